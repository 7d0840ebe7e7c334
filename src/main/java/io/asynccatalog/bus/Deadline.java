package io.asynccatalog.bus;

import java.time.Duration;

/**
 * When a unit of work (a save, an enqueue) must be over, on this JVM's monotonic clock. The side that waits and the
 * side that works share it: the worker starts nothing that could end after it, and gives every call it makes at
 * most what is left, so that when the waiter gives up nothing of the work is still running.
 */
public record Deadline(long nanos) {

  public static Deadline in(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos());
  }

  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
  }

  public boolean passed() {
    return nanos - System.nanoTime() <= 0;
  }

  /** A call's own timeout: {@code callTimeout}, or what is left of this deadline when that is shorter. */
  public Duration callTimeout(Duration callTimeout) {
    Duration left = remaining();
    return left.compareTo(callTimeout) < 0 ? left : callTimeout;
  }

  /** Whichever of the two comes first. */
  public Deadline earliest(Deadline other) {
    return other == null || nanos - other.nanos <= 0 ? this : other;
  }
}
