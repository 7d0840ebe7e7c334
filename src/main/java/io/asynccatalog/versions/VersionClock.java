package io.asynccatalog.versions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Versions for writes accepted without one of the client's: a hybrid logical clock counting microseconds since the
 * epoch. A version is the wall clock's microsecond, or one past the last version given here when that is later (the
 * wall clock stepped back, or more than one write per microsecond), so versions are strictly increasing per instance
 * and comparable across instances by time. Two writes accepted by two instances less than their clock skew apart may
 * be ordered either way. A version is also its write's acceptance time, so a keyed retry that gets back its first
 * request's acceptance time gets back its versions too.
 */
public final class VersionClock {
  private final LongSupplier wallMicros;
  private final AtomicLong last = new AtomicLong();

  public VersionClock() {
    this(VersionClock::nowMicros);
  }

  /** With its own wall clock, in microseconds (tests move it by hand). */
  public VersionClock(LongSupplier wallMicros) {
    this.wallMicros = wallMicros;
  }

  /** The next version: above the last one given here, and at least the wall clock's now. */
  public long next() {
    return next(1);
  }

  /** The first of {@code count} consecutive versions, all above every one given before. */
  public long next(int count) {
    long now = wallMicros.getAsLong();
    return last.updateAndGet(previous -> Math.max(previous + count, now + count - 1)) - count + 1;
  }

  /** The acceptance time a version stands for. */
  public static Instant instantOf(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  public static long microsOf(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  private static long nowMicros() {
    return microsOf(Instant.now());
  }
}
