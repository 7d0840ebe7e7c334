package io.asynccatalog.store;

import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.domain.StoredProduct;
import io.asynccatalog.versions.StateCodec;
import io.asynccatalog.versions.VersionedProduct;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A product as the store keeps it: every field with the stamp of the write that set it (a deleted product keeps its
 * cleared fields' stamps: its tombstone), and the revision the store compares to write it only where nobody wrote it
 * meanwhile. {@code rev} counts the product's writes to the store (0: stored before versions existed); a record not
 * shown (deleted, or only patched so far) expires at {@code expiresAt}, when no older write can arrive any more.
 */
public record ProductRecord(String id, VersionedProduct state, long rev, Instant storedAt, ReportLocation report,
                            Instant expiresAt) {
  /** The revision expected of a product the store does not hold. */
  public static final long ABSENT = -1;

  public ProductRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
  }

  public boolean visible() {
    return state.visible();
  }

  /** Whether it is as its create made it: every field set by the write whose id is the product's. */
  public boolean createdOnly() {
    return state.fields().values().stream().allMatch(f -> f.stamp().writeId().equals(id)
        && !f.stamp().clientVersion());
  }

  public String stamps() {
    return StateCodec.encode(state);
  }

  /** When it was created: its earliest field's acceptance. */
  public Instant createdAt() {
    Instant created = null;
    for (var field : state.fields().values()) {
      Instant accepted = field.stamp().acceptedAt();
      if (created == null || accepted.isBefore(created)) {
        created = accepted;
      }
    }
    if (created == null) {
      throw new java.util.NoSuchElementException("a record of no field: " + id);
    }
    return created;
  }

  /** What {@code GET} shows: present only while it is visible. */
  public StoredProduct shown() {
    String stamps = stamps();
    return new StoredProduct(product(), storedAt, report, state.latest(), StateCodec.etag(stamps));
  }

  /**
   * The product it holds: its fields, and when the oldest write it still shows was accepted (for a product only ever
   * created, its acceptance time).
   */
  public Product product() {
    Instant created = createdAt();
    return new Product(id, state.value("name"), state.value("description"), new BigDecimal(state.value("price")),
        state.value("currency"), state.value("sku"), state.value("category"), created);
  }
}
