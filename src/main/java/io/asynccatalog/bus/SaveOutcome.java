package io.asynccatalog.bus;

import io.asynccatalog.domain.Failure;

import java.util.Map;
import java.util.Set;

/**
 * What became of a {@link SaveBatch}: the ids whose item and report are both written, and for every other id why
 * it was not, and whether that was its own fault or a dependency's.
 */
public record SaveOutcome(Set<String> stored, Map<String, Failure> failed) {
  public SaveOutcome {
    stored = Set.copyOf(stored);
    failed = Map.copyOf(failed);
  }

  /** Nothing stored, every id failed for the same reason. */
  public static SaveOutcome allFailed(Set<String> ids, Failure failure) {
    Map<String, Failure> failed = new java.util.HashMap<>();
    ids.forEach(id -> failed.put(id, failure));
    return new SaveOutcome(Set.of(), failed);
  }
}
