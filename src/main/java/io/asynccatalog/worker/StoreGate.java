package io.asynccatalog.worker;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Whether consumers may take work from the queue: only while the store and the bucket both work, their breakers
 * closed. Every receive counts towards a message's {@code maxReceiveCount}, so a product tried on a store that is
 * down, or only maybe back (a half-open breaker), uses up a try it did not fail: a long enough outage would send
 * good products to the dead-letter queue. While a breaker is half-open, {@link #probe()} tries the dependency with
 * a cheap read instead; its success closes the breaker and lets the consumers receive again.
 */
public final class StoreGate {
  private final List<Check> checks;

  /** A dependency's breaker and the cheap call that tries it. */
  public record Check(CircuitBreaker breaker, Supplier<Future<Void>> probe, AtomicBoolean probing) {
    public Check(CircuitBreaker breaker, Supplier<Future<Void>> probe) {
      this(breaker, probe, new AtomicBoolean());
    }
  }

  public StoreGate(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  /** True when every breaker is closed: products can be received and stored. */
  public boolean open() {
    return checks.stream().allMatch(check -> check.breaker().state() == CircuitBreakerState.CLOSED);
  }

  /**
   * Tries each dependency whose breaker is half-open, one probe at a time per dependency whoever asks (the gate is
   * shared by the consumers); an open breaker is left alone until its reset timeout makes it half-open.
   */
  public void probe() {
    for (Check check : checks) {
      if (check.breaker().state() == CircuitBreakerState.HALF_OPEN && check.probing().compareAndSet(false, true)) {
        Future<Void> call;
        try {
          call = check.probe().get();
        } catch (RuntimeException e) {
          check.probing().set(false);
          throw e;
        }
        call.onComplete(done -> check.probing().set(false));
      }
    }
  }
}
