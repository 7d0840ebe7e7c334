package io.asynccatalog.worker;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Whether consumers may take work from the queue. Every receive counts towards a message's
 * {@code maxReceiveCount}, so a product tried on a store or bucket that is down, or only maybe back, uses up a try it
 * did not fail: a long enough outage would send good products to the dead-letter queue.
 *
 * <p>So the gate shuts at the first sign of an outage: a breaker not closed, or an outage failure a breaker counted
 * since the gate last looked (a breaker opens only after several, each of which may take the SDK's retries and the
 * call deadline to come back, while the messages of earlier failures become visible again). It opens again only when
 * a round of probes, one cheap call to every dependency, has succeeded. Every dependency, not only the one that
 * failed: the reports are written only after the store, so during an outage of both the bucket may never see a
 * failure, and a store that is back says nothing about a bucket that is not. A round starts once no breaker is open
 * (an open breaker fails calls without trying them); a half-open breaker's probe is its trial call.
 * Shared by the consumers, whatever their event loops.
 */
public final class StoreGate {
  private final List<Check> checks;
  private final long[] failuresSeen; // guarded by this
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final AtomicBoolean probing = new AtomicBoolean();

  /** A dependency's breaker and the cheap call, through that breaker, that tries it. */
  public record Check(CircuitBreaker breaker, Supplier<Future<Void>> probe) {}

  public StoreGate(List<Check> checks) {
    this.checks = List.copyOf(checks);
    this.failuresSeen = new long[checks.size()];
  }

  /** True while every breaker is closed, none has counted a new failure, and a round succeeded since the gate shut. */
  public boolean open() {
    if (!healthy()) {
      open.set(false);
    }
    return open.get();
  }

  /** Every breaker closed, and none with more failures than last seen (the counts are then taken as seen). */
  private synchronized boolean healthy() {
    boolean healthy = true;
    for (int i = 0; i < checks.size(); i++) {
      CircuitBreaker breaker = checks.get(i).breaker();
      long failures = breaker.failureCount(); // a rolling count: it also falls, as failures age or the breaker closes
      healthy &= breaker.state() == CircuitBreakerState.CLOSED && failures <= failuresSeen[i];
      failuresSeen[i] = failures;
    }
    return healthy;
  }

  /** Starts a round of probes if the gate is shut, none is under way and no breaker is open. */
  public void probe() {
    if (open() || checks.stream().anyMatch(check -> check.breaker().state() == CircuitBreakerState.OPEN)
        || !probing.compareAndSet(false, true)) {
      return;
    }
    // join: the round ends when every probe has, so rounds never overlap
    Future.join(checks.stream().map(StoreGate::call).toList())
        .onComplete(round -> {
          // the breakers are looked at again: a call of someone else's may have failed meanwhile
          if (healthy() && round.succeeded()) {
            open.set(true);
          }
          probing.set(false);
        });
  }

  private static Future<Void> call(Check check) {
    try {
      return check.probe().get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
