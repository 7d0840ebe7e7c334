package io.asynccatalog.versions;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Versions for writes accepted without one of the client's: a hybrid logical clock, the wall clock's milliseconds in
 * the high bits and a counter in the low {@value #COUNTER_BITS}, so a version is strictly greater than every earlier
 * one of this instance (even when the wall clock steps back) and comparable with another instance's by time. Two
 * writes accepted by two instances less than their clock skew apart may be ordered either way; on AWS, where
 * instances follow the Amazon Time Sync Service, that skew is well under a millisecond.
 */
public final class VersionClock {
  /** Low bits for the counter: about a million versions per millisecond per instance before the clock runs ahead. */
  public static final int COUNTER_BITS = 20;

  private final LongSupplier wallMillis;
  private final AtomicLong last = new AtomicLong();

  public VersionClock() {
    this(System::currentTimeMillis);
  }

  /** With its own wall clock (tests move it by hand). */
  public VersionClock(LongSupplier wallMillis) {
    this.wallMillis = wallMillis;
  }

  /** The next version: above the last one given here, and at least the wall clock's now. */
  public long next() {
    long now = wallMillis.getAsLong() << COUNTER_BITS;
    return last.updateAndGet(previous -> Math.max(previous + 1, now));
  }

  /** When a version of this clock was given, to the millisecond. */
  public static Instant instantOf(long version) {
    return Instant.ofEpochMilli(version >>> COUNTER_BITS);
  }
}
