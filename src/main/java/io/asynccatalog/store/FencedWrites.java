package io.asynccatalog.store;

import io.asynccatalog.bus.Deadline;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the product table takes a group's records on the condition that nobody wrote them since they were read (the
 * version fence; BatchWriteItem takes no conditions): a PutItem per record ({@link ConditionalPuts}) or PartiQL
 * statements, 25 a call ({@link PartiqlBatches}). {@code CATALOG_DYNAMODB_WRITES} chooses.
 */
interface FencedWrites {
  /** How many records one call writes at most. */
  int perCall();

  /** How many calls run at once for one group. */
  int callsInFlight();

  /**
   * Writes at most {@link #perCall()} changes, each on its own condition. A failed future: the call failed as a
   * whole, none of them was written by it (or, after a timeout, whether they were is unknown: the next read says).
   */
  Future<Outcome> write(List<ProductStore.Change> changes, Deadline deadline);

  /** What became of each record of a call: written, refused by its condition (a conflict), or failed. */
  record Outcome(Set<String> written, Set<String> conflicts, Map<String, Throwable> failed) {
    Outcome() {
      this(new HashSet<>(), new HashSet<>(), new HashMap<>());
    }
  }

  static FencedWrites named(String name, ConditionalPuts puts, PartiqlBatches batches) {
    return switch (name) {
      case "put-item" -> puts;
      case "batch-statements" -> batches;
      default -> throw new IllegalArgumentException("unknown DynamoDB write mode: " + name);
    };
  }
}
