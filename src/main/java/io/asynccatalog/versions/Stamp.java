package io.asynccatalog.versions;

import java.time.Instant;
import java.util.Comparator;

/**
 * A write's place in its product's history. Writes are ordered by, in turn: whether the client gave the version
 * (every client-versioned write comes after every write versioned here: a product a client versions itself is never
 * changed by a write the client did not version, whatever order they arrive in, and each write that loses so is
 * counted and logged); the version; and the write's own id, so that two different writes with one version are
 * ordered the same way everywhere, while a write delivered twice equals itself. {@code acceptedMicros} is when the
 * service accepted the write (microseconds since the epoch); it takes no part in the order, and for a version of the
 * service's it is the version itself ({@link VersionClock}).
 */
public record Stamp(boolean clientVersion, long version, String writeId, long acceptedMicros)
    implements Comparable<Stamp> {
  private static final Comparator<Stamp> ORDER = Comparator.comparing(Stamp::clientVersion)
      .thenComparingLong(Stamp::version).thenComparing(Stamp::writeId);

  public Stamp {
    if (version < 0) {
      throw new IllegalArgumentException("a version is a non-negative 63-bit integer: " + version);
    }
    if (writeId == null || writeId.isEmpty()) {
      throw new IllegalArgumentException("a write needs its id");
    }
  }

  /** A stamp accepted at its version's time (the service's) or at an unknown time (the client's). */
  public Stamp(boolean clientVersion, long version, String writeId) {
    this(clientVersion, version, writeId, clientVersion ? 0 : version);
  }

  /** A version of the service's, given at {@code acceptedAt}. */
  public static Stamp service(long version, String writeId) {
    return new Stamp(false, version, writeId, version);
  }

  public Instant acceptedAt() {
    return VersionClock.instantOf(acceptedMicros);
  }

  @Override
  public int compareTo(Stamp other) {
    return ORDER.compare(this, other);
  }

  public boolean after(Stamp other) {
    return other == null || compareTo(other) > 0;
  }
}
