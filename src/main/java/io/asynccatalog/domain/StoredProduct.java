package io.asynccatalog.domain;

import io.asynccatalog.versions.Stamp;
import io.asynccatalog.versions.StateCodec;
import io.asynccatalog.versions.Write;
import io.asynccatalog.versions.VersionClock;

import java.time.Instant;

/**
 * A product as read back from the store: what it holds now, when it was last stored, where its report is, the stamp
 * of the latest write it holds (its version) and an entity tag that changes whenever what it holds does.
 */
public record StoredProduct(Product product, Instant storedAt, ReportLocation report, Stamp latest, String etag) {

  /** A product as its create made it. */
  public StoredProduct(Product product, Instant storedAt, ReportLocation report) {
    this(product, storedAt, report, Stamp.service(VersionClock.microsOf(product.createdAt()), product.id()),
        StateCodec.etag(StateCodec.encode(StateCodec.created(product.id(),
            VersionClock.microsOf(product.createdAt()), Write.values(product)::get))));
  }
}
