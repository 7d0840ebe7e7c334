package io.asynccatalog.worker;

import io.asynccatalog.testing.Poll;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Consumers receive only while the store and the bucket work; a half-open breaker is tried by a probe. */
class StoreGateTest {
  private Vertx vertx;
  private CircuitBreaker store;
  private CircuitBreaker bucket;
  private final AtomicInteger storeProbes = new AtomicInteger();
  private final AtomicInteger bucketProbes = new AtomicInteger();
  /** What the store's probe call does: the test completes it. */
  private final AtomicReference<Promise<Void>> storeCall = new AtomicReference<>();
  private StoreGate gate;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = breaker("store");
    bucket = breaker("s3");
    gate = new StoreGate(List.of(
        new StoreGate.Check(store, () -> store.execute(() -> {
          storeProbes.incrementAndGet();
          Promise<Void> call = Promise.promise();
          storeCall.set(call);
          return call.future();
        })),
        new StoreGate.Check(bucket, () -> bucket.execute(() -> {
          bucketProbes.incrementAndGet();
          return Future.succeededFuture();
        }))));
  }

  private CircuitBreaker breaker(String name) {
    return CircuitBreaker.create(name, vertx, new CircuitBreakerOptions().setMaxFailures(1).setTimeout(-1)
        .setResetTimeout(100).setNotificationAddress(null));
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void openOnlyWhileEveryBreakerIsClosed() {
    assertTrue(gate.open());
    bucket.open();
    assertFalse(gate.open(), "the bucket is down");
    assertEquals(CircuitBreakerState.CLOSED, store.state(), "whatever the store's state");
  }

  @Test
  void anOpenBreakerIsNotProbed() {
    store.open();
    gate.probe();
    assertEquals(0, storeProbes.get());
    assertFalse(gate.open());
  }

  @Test
  void aHalfOpenBreakerIsProbedOnceAtATimeAndItsSuccessOpensTheGate() throws Exception {
    store.open();
    Poll.until(Duration.ofSeconds(10), "the store's breaker half-open",
        () -> store.state() == CircuitBreakerState.HALF_OPEN);
    gate.probe();
    gate.probe();
    gate.probe();
    assertEquals(1, storeProbes.get(), "one probe while the first is in flight");
    assertEquals(0, bucketProbes.get(), "the bucket's breaker is closed: nothing to probe");
    assertFalse(gate.open(), "still only maybe back");

    storeCall.get().complete();
    Poll.until(Duration.ofSeconds(10), "the gate open once the probe succeeded", gate::open);
    assertEquals(CircuitBreakerState.CLOSED, store.state());
  }

  @Test
  void aFailedProbeKeepsTheGateShutAndIsTriedAgainAtTheNextHalfOpen() throws Exception {
    store.open();
    Poll.until(Duration.ofSeconds(10), "the store's breaker half-open",
        () -> store.state() == CircuitBreakerState.HALF_OPEN);
    gate.probe();
    Promise<Void> first = storeCall.get();
    first.fail(new IOException("connection refused"));
    assertFalse(gate.open(), "the probe failed: still shut");

    Poll.until(Duration.ofSeconds(10), "a second probe at the next half-open", () -> {
      gate.probe();
      return storeProbes.get() == 2;
    });
    assertFalse(gate.open(), "shut while the second probe is in flight");
    storeCall.get().complete();
    Poll.until(Duration.ofSeconds(10), "the gate open once the second probe succeeded", gate::open);
  }
}
