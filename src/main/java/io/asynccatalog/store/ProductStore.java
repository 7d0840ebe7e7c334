package io.asynccatalog.store;

import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.domain.StoredProduct;
import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where products live (DynamoDB by default): each as a {@link ProductRecord}, its fields with the stamps of the writes
 * that set them. Writes are conditional on the revision read (or on absence), so that two savers merging writes into
 * one product never lose each other's: the one that finds the product changed meanwhile reads it again and merges
 * again ({@code Converger}). The read routes see visible products only.
 */
public interface ProductStore {

  /** A record to write where the store still holds {@code expectedRev} of it ({@link ProductRecord#ABSENT}: none). */
  record Change(ProductRecord record, long expectedRev) {}

  /**
   * The outcome of a write, by product id: written; found changed meanwhile (the condition failed: read and merge
   * again); or not written, why, and whose fault that was.
   */
  record Written(Set<String> written, Set<String> conflicts, Map<String, Failure> failed) {}

  /** One page of visible products, and the id to continue after (null when there is no more). */
  record Page(List<StoredProduct> products, String lastId) {}

  /**
   * The records of {@code ids} as they are now (strongly consistent), shown or not; absent ids are absent from the
   * map. Nothing of it is still running once {@code deadline} has passed.
   */
  Future<Map<String, ProductRecord>> records(Collection<String> ids, Deadline deadline);

  /**
   * Writes each change where its condition holds, as many per call as the store takes; a record the store refuses
   * does not hold back the others. Fails as a whole only when nothing could be tried. Nothing of it is still running
   * once {@code deadline} has passed: what could not be written by then fails as the dependency's fault.
   */
  Future<Written> write(List<Change> changes, Deadline deadline);

  /** The product if it is shown (stored, not deleted, its required fields set). */
  Future<Optional<StoredProduct>> get(String id);

  /** Up to {@code limit} products after {@code afterId} (null: from the start), in the store's order, shown ones only. */
  Future<Page> page(int limit, String afterId);

  /** An id no product is given (ids are UUIDv7 or name-based, never the nil UUID): what {@link #probe()} reads. */
  String PROBE_ID = "00000000-0000-0000-0000-000000000000";

  /**
   * A cheap read through the store's circuit breaker (one key, through the same connections as the writes), by which
   * a half-open breaker learns whether the store is back before any product is tried on it.
   */
  default Future<Void> probe() {
    return get(PROBE_ID).mapEmpty();
  }

  /** The name of the dependency, as health checks and metrics show it. */
  String dependency();
}
