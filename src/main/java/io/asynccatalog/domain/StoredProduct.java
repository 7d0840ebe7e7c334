package io.asynccatalog.domain;

import java.time.Instant;

/** A product as read back from the table: the accepted product, when it was stored, and where its report is. */
public record StoredProduct(Product product, Instant storedAt, ReportLocation report) {}
