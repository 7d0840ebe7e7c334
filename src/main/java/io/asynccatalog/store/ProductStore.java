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
 * Where stored products live (DynamoDB by default). Writes are idempotent per product id: a product is fixed at
 * ingest, so writing it again leaves one record with the same fields. The savers write through it; the read routes
 * read through it.
 */
public interface ProductStore {

  /** The outcome of a write: the ids written, and for every other id why it was not, and whose fault that was. */
  record Written(Set<String> written, Map<String, Failure> failed) {}

  /** One page of stored products, and the id to continue after (null when there is no more). */
  record Page(List<StoredProduct> products, String lastId) {}

  /**
   * Writes a group of products, as many per call as the store takes; a product the store refuses does not hold back
   * the others. Fails as a whole only when nothing could be tried. Nothing of the write is still running once
   * {@code deadline} has passed: every call is given at most what is left of it, and what could not be written by
   * then fails as the dependency's fault.
   */
  Future<Written> putAll(List<StoredProduct> products, Deadline deadline);

  Future<Optional<StoredProduct>> get(String id);

  /** The stored products among {@code ids}; the others are absent from the map. */
  Future<Map<String, StoredProduct>> getAll(Collection<String> ids);

  /** Up to {@code limit} products after {@code afterId} (null: from the start), in the store's order. */
  Future<Page> page(int limit, String afterId);

  /** An id no product is given (ids are UUIDv7, never the nil UUID): what {@link #probe()} reads. */
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
