package io.asynccatalog.clients;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One token bucket per limited client, in products: a request of n products takes n tokens or none. Shared by every
 * HTTP event loop of the instance (the buckets are lock-free); the limit is per instance.
 */
public final class ClientLimiter {
  private final Map<String, Limited> buckets = new HashMap<>();

  private record Limited(RateLimits.Limit limit, Bucket bucket, String policy) {}

  /**
   * What a request may do. {@code allowed}: its products are taken from the bucket. Otherwise {@code tooLarge} when
   * the request has more products than the burst (no wait can help), else {@code retryAfterSeconds}.
   */
  public record Decision(boolean allowed, boolean tooLarge, RateLimits.Limit limit, long remaining,
                         long retryAfterSeconds, String policyHeader, String stateHeader) {}

  public ClientLimiter(List<String> clients, RateLimits limits) {
    this(clients, limits, TimeMeter.SYSTEM_NANOTIME);
  }

  /** With the clock the buckets refill by (tests move it by hand). */
  public ClientLimiter(List<String> clients, RateLimits limits, TimeMeter clock) {
    for (String client : clients) {
      RateLimits.Limit limit = limits.of(client);
      if (!limit.unlimited()) {
        Bucket bucket = Bucket.builder()
            .addLimit(l -> l.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
            .withCustomTimePrecision(clock)
            .build();
        // q: the burst; w: the seconds the bucket takes to fill from empty (RateLimit header fields draft)
        long window = Math.max(1, ceilDiv(limit.burst(), limit.perSecond()));
        buckets.put(client, new Limited(limit, bucket, "\"products\";q=" + limit.burst() + ";w=" + window));
      }
    }
  }

  /** Whether any client is limited at all (else no header is sent). */
  public boolean active() {
    return !buckets.isEmpty();
  }

  /** Takes {@code products} tokens from the client's bucket; null when the client is not limited. */
  public Decision take(String client, int products) {
    Limited limited = buckets.get(client);
    if (limited == null) {
      return null;
    }
    RateLimits.Limit limit = limited.limit();
    if (products > limit.burst()) {
      long remaining = limited.bucket().getAvailableTokens();
      return new Decision(false, true, limit, remaining, 0, limited.policy(), state(limit, remaining));
    }
    ConsumptionProbe probe = limited.bucket().tryConsumeAndReturnRemaining(products);
    long remaining = probe.getRemainingTokens();
    long retryAfter = probe.isConsumed() ? 0 : Math.max(1, ceilDiv(probe.getNanosToWaitForRefill(), 1_000_000_000L));
    return new Decision(probe.isConsumed(), false, limit, remaining, retryAfter, limited.policy(),
        state(limit, remaining));
  }

  /**
   * Before a request's body is read: null when the client may go on (it is not limited, or has a product left),
   * else the refusal, its {@code retryAfterSeconds} the wait for one product. Takes nothing: the products are taken
   * once they are counted.
   */
  public Decision refuseEmpty(String client) {
    Limited limited = buckets.get(client);
    if (limited == null) {
      return null;
    }
    long remaining = limited.bucket().getAvailableTokens();
    if (remaining > 0) {
      return null;
    }
    RateLimits.Limit limit = limited.limit();
    long retryAfter = Math.max(1, ceilDiv(limited.bucket().estimateAbilityToConsume(1).getNanosToWaitForRefill(),
        1_000_000_000L));
    return new Decision(false, false, limit, 0, retryAfter, limited.policy(), state(limit, 0));
  }

  /** r: the products left now; t: the seconds until the bucket is full again. */
  private static String state(RateLimits.Limit limit, long remaining) {
    long reset = ceilDiv(Math.max(0, limit.burst() - remaining), limit.perSecond());
    return "\"products\";r=" + Math.max(0, remaining) + ";t=" + reset;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
