package io.asynccatalog.domain;

import java.math.BigDecimal;
import java.time.Instant;

/** A valid product request, before the service assigns its id and acceptance time. */
public record ProductDraft(String name, String description, BigDecimal price, String currency, String sku,
                           String category) {

  public Product accept(String id, Instant createdAt) {
    return new Product(id, name, description, price, currency, sku, category, createdAt);
  }
}
