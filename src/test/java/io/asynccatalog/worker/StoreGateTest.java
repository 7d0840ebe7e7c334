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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumers receive only while the store and the bucket work: the gate shuts with any breaker not closed, and opens
 * again after a round of probes of every dependency has succeeded.
 */
class StoreGateTest {
  private Vertx vertx;
  private CircuitBreaker store;
  private CircuitBreaker bucket;
  private final AtomicInteger storeProbes = new AtomicInteger();
  private final AtomicInteger bucketProbes = new AtomicInteger();
  /** The store's last probe call, which the test completes. */
  private final AtomicReference<Promise<Void>> storeCall = new AtomicReference<>();
  private final AtomicBoolean bucketDown = new AtomicBoolean();
  private StoreGate gate;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = breaker("store", 1);
    bucket = breaker("s3", 3); // a failure or two leave it closed
    gate = new StoreGate(List.of(
        new StoreGate.Check(store, () -> store.execute(() -> {
          storeProbes.incrementAndGet();
          Promise<Void> call = Promise.promise();
          storeCall.set(call);
          return call.future();
        })),
        new StoreGate.Check(bucket, () -> bucket.execute(() -> {
          bucketProbes.incrementAndGet();
          return bucketDown.get() ? Future.failedFuture(new IOException("connection refused"))
              : Future.succeededFuture();
        }))));
  }

  private CircuitBreaker breaker(String name, int maxFailures) {
    return CircuitBreaker.create(name, vertx, new CircuitBreakerOptions().setMaxFailures(maxFailures).setTimeout(-1)
        .setResetTimeout(100).setNotificationAddress(null));
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private void halfOpen(CircuitBreaker breaker) throws InterruptedException {
    Poll.until(Duration.ofSeconds(10), breaker.name() + "'s breaker half-open",
        () -> breaker.state() == CircuitBreakerState.HALF_OPEN);
  }

  @Test
  void shutAsSoonAsAnyBreakerIsNotClosed() {
    assertTrue(gate.open());
    bucket.open();
    assertFalse(gate.open(), "the bucket is down");
    assertEquals(CircuitBreakerState.CLOSED, store.state(), "whatever the store's state");
  }

  @Test
  void aFailureCountedByAClosedBreakerShutsTheGateUntilARoundSucceeds() throws Exception {
    assertTrue(gate.open());
    bucket.execute(() -> Future.failedFuture(new IOException("connection reset")));
    Poll.until(Duration.ofSeconds(10), "the failure counted", () -> bucket.failureCount() == 1);
    assertEquals(CircuitBreakerState.CLOSED, bucket.state());
    assertFalse(gate.open(), "an outage failure, though the breaker is still closed");
    assertFalse(gate.open(), "and still shut, the failure seen, until a round succeeds");

    gate.probe(); // no breaker open: a round at once
    assertEquals(1, bucketProbes.get());
    storeCall.get().complete();
    Poll.until(Duration.ofSeconds(10), "the gate open once the round succeeded", gate::open);
  }

  @Test
  void noProbeWhileABreakerIsOpen() {
    store.open();
    gate.probe();
    assertEquals(0, storeProbes.get(), "an open breaker would fail the call without trying the store");
    assertEquals(0, bucketProbes.get(), "the round waits for the store's breaker to half-open");
    assertFalse(gate.open());
  }

  @Test
  void aRoundProbesEveryDependencyOnceAtATimeAndItsSuccessOpensTheGate() throws Exception {
    store.open();
    halfOpen(store);
    gate.probe();
    gate.probe();
    gate.probe();
    assertEquals(1, storeProbes.get(), "one round while the first is under way");
    assertEquals(1, bucketProbes.get(), "the bucket is probed too, though its breaker never opened");
    assertFalse(gate.open(), "the store only maybe back");

    storeCall.get().complete();
    Poll.until(Duration.ofSeconds(10), "the gate open once the round succeeded", gate::open);
    assertEquals(CircuitBreakerState.CLOSED, store.state());
  }

  @Test
  void theStoreBackDoesNotOpenTheGateWhileTheBucketIsDown() throws Exception {
    bucketDown.set(true);
    store.open();
    halfOpen(store);
    gate.probe();
    storeCall.get().complete();
    Poll.until(Duration.ofSeconds(10), "the store's breaker closed by its probe",
        () -> store.state() == CircuitBreakerState.CLOSED);
    assertFalse(gate.open(), "the bucket's probe failed");

    bucketDown.set(false);
    Poll.until(Duration.ofSeconds(10), "a later round, the bucket back, opening the gate", () -> {
      gate.probe();
      if (storeCall.get() != null && !storeCall.get().future().isComplete()) {
        storeCall.get().complete();
      }
      return gate.open();
    });
    assertTrue(bucketProbes.get() >= 2, "the bucket probed again: " + bucketProbes.get());
  }

  @Test
  void aFailedProbeKeepsTheGateShutAndIsTriedAgainAtTheNextHalfOpen() throws Exception {
    store.open();
    halfOpen(store);
    gate.probe();
    storeCall.get().fail(new IOException("connection refused"));
    assertFalse(gate.open(), "the probe failed: still shut");

    Poll.until(Duration.ofSeconds(10), "a second round at the next half-open", () -> {
      gate.probe();
      return storeProbes.get() == 2;
    });
    assertFalse(gate.open(), "shut while the second round is under way");
    storeCall.get().complete();
    Poll.until(Duration.ofSeconds(10), "the gate open once the second round succeeded", gate::open);
  }
}
