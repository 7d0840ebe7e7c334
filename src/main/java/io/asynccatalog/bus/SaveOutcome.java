package io.asynccatalog.bus;

import io.asynccatalog.domain.Failure;

import java.util.Map;
import java.util.Set;

/**
 * What became of a {@link SaveBatch}, by write id: the writes done (stored with their reports, or lost to later ones),
 * and for every other write why it was not, and whether that was its own fault or a dependency's.
 */
public record SaveOutcome(Set<String> stored, Map<String, Failure> failed, Set<String> superseded) {
  public SaveOutcome {
    stored = Set.copyOf(stored);
    failed = Map.copyOf(failed);
    superseded = Set.copyOf(superseded);
  }

  /** Nothing lost to a later write. */
  public SaveOutcome(Set<String> stored, Map<String, Failure> failed) {
    this(stored, failed, Set.of());
  }

  /** Nothing stored, every id failed for the same reason. */
  public static SaveOutcome allFailed(Set<String> ids, Failure failure) {
    Map<String, Failure> failed = new java.util.HashMap<>();
    ids.forEach(id -> failed.put(id, failure));
    return new SaveOutcome(Set.of(), failed);
  }
}
