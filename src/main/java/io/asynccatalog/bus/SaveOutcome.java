package io.asynccatalog.bus;

import java.util.Map;
import java.util.Set;

/**
 * What became of a {@link SaveBatch}: the ids whose item and report are both written, and for every other id
 * the reason it was not.
 */
public record SaveOutcome(Set<String> stored, Map<String, String> failed) {
  public SaveOutcome {
    stored = Set.copyOf(stored);
    failed = Map.copyOf(failed);
  }

  /** Nothing stored, every id failed for the same reason. */
  public static SaveOutcome allFailed(Set<String> ids, String reason) {
    Map<String, String> failed = new java.util.HashMap<>();
    ids.forEach(id -> failed.put(id, reason));
    return new SaveOutcome(Set.of(), failed);
  }
}
