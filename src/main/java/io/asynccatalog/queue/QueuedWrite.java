package io.asynccatalog.queue;

import io.asynccatalog.versions.Write;

/**
 * A write as a message carries it: the write, how many times it failed in earlier messages for its own fault (a
 * write re-published from a pack carries its count with it), its W3C trace context (null when it has none), whether
 * it was sent again without having failed (a client's keyed retry, a redrive), so it may be stored already, and how
 * many times it was handed on because a dependency could not take it ({@code deferrals}, which only lengthen its wait
 * and never send it to the dead-letter queue).
 */
public record QueuedWrite(Write write, int attempts, String traceparent, boolean resent, int deferrals) {
  public QueuedWrite(Write write, int attempts, String traceparent, boolean resent) {
    this(write, attempts, traceparent, resent, 0);
  }

  /** Whether it may have been stored before. */
  public boolean maybeStored() {
    return attempts > 0 || resent || deferrals > 0;
  }
}
