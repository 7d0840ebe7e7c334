package io.asynccatalog.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A product as accepted at ingest. Everything here is fixed when the product is accepted (including the id and
 * {@code createdAt}), so every redelivery of its message writes the same item and the same report.
 *
 * @param description may be null
 * @param sku may be null
 * @param category may be null
 */
public record Product(String id, String name, String description, BigDecimal price, String currency,
                      String sku, String category, Instant createdAt) {
  public Product {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
