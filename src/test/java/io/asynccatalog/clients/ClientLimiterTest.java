package io.asynccatalog.clients;

import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-client token buckets, on a clock the test moves by hand. */
class ClientLimiterTest {
  /** A clock that stands still until told to move. */
  static final class Clock implements TimeMeter {
    long nanos;

    @Override
    public long currentTimeNanos() {
      return nanos;
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }

    void advance(long millis) {
      nanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }
  }

  private final Clock clock = new Clock();
  private final ClientLimiter limiter = new ClientLimiter(List.of("shop", "importer", "free"),
      new RateLimits(new RateLimits.Limit(10, 50), Map.of("importer", new RateLimits.Limit(1000, 2000),
          "free", RateLimits.Limit.NONE)), clock);

  @Test
  void aBurstIsSpentInProductsThenRefillsAtTheConfiguredRate() {
    ClientLimiter.Decision first = limiter.take("shop", 30);
    assertTrue(first.allowed());
    assertEquals(20, first.remaining());
    assertEquals("\"products\";q=50;w=5", first.policyHeader());
    assertEquals("\"products\";r=20;t=3", first.stateHeader(), "30 products take 3 s to come back at 10/s");
    ClientLimiter.Decision over = limiter.take("shop", 25);
    assertFalse(over.allowed(), "25 is more than the 20 left");
    assertFalse(over.tooLarge());
    assertEquals(1, over.retryAfterSeconds(), "5 more tokens come in 0.5 s: retry after 1 s");
    assertEquals(20, limiter.take("shop", 1).remaining() + 1, "a refused request took nothing");
    clock.advance(500);
    assertTrue(limiter.take("shop", 24).allowed(), "19 + 5 refilled in half a second");
    assertFalse(limiter.take("shop", 1).allowed(), "empty");
    clock.advance(60_000);
    ClientLimiter.Decision full = limiter.take("shop", 50);
    assertTrue(full.allowed(), "refilled up to the burst, not beyond");
    assertFalse(limiter.take("shop", 1).allowed());
  }

  @Test
  void aRequestLargerThanTheBurstIsRefusedWholeAndTakesNothing() {
    ClientLimiter.Decision decision = limiter.take("shop", 51);
    assertFalse(decision.allowed());
    assertTrue(decision.tooLarge());
    assertEquals(50, decision.remaining());
    assertTrue(limiter.take("shop", 50).allowed(), "the bucket is untouched");
  }

  @Test
  void clientsHaveBucketsOfTheirOwnAndAnUnlimitedClientHasNone() {
    assertTrue(limiter.take("shop", 50).allowed());
    assertFalse(limiter.take("shop", 1).allowed());
    ClientLimiter.Decision importer = limiter.take("importer", 1500);
    assertTrue(importer.allowed(), "the shop's empty bucket is not the importer's");
    assertEquals("\"products\";q=2000;w=2", importer.policyHeader());
    assertNull(limiter.take("free", 1_000_000), "no limit, no bucket, no headers");
  }

  @Test
  void noLimitAnywhereMeansNoBucketAtAll() {
    ClientLimiter open = new ClientLimiter(List.of(ClientKeys.ANONYMOUS), RateLimits.none(), clock);
    assertFalse(open.active());
    assertNull(open.take(ClientKeys.ANONYMOUS, 1000));
  }
}
