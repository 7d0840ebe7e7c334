package io.asynccatalog.versions;

import io.asynccatalog.domain.Product;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One accepted write of one product, as it travels from ingest to the store: the product it changes and the change
 * with its stamp. A create ({@code POST /products}) is the replace of a new id by the service, whose write id is the
 * product's id and whose version is its acceptance time, so a product message of the formats before versions existed
 * reads as exactly the write it was.
 */
public record Write(String productId, ProductWrite change) {
  public Write {
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(change, "change");
  }

  /** The create of {@code product}: all its fields, versioned at its acceptance time, its id the write's. */
  public static Write create(Product product) {
    return new Write(product.id(), new ProductWrite(ProductWrite.Kind.REPLACE,
        Stamp.service(VersionClock.microsOf(product.createdAt()), product.id()), values(product)));
  }

  /** A product's fields as a write's values: canonical text, a price as its plain decimal. */
  public static Map<String, String> values(Product p) {
    Map<String, String> values = new HashMap<>(8);
    values.put("name", p.name());
    values.put("price", p.price().toPlainString());
    values.put("currency", p.currency());
    putIfPresent(values, "description", p.description());
    putIfPresent(values, "sku", p.sku());
    putIfPresent(values, "category", p.category());
    return values;
  }

  private static void putIfPresent(Map<String, String> values, String field, String value) {
    if (value != null) {
      values.put(field, value);
    }
  }

  public String writeId() {
    return change.stamp().writeId();
  }

  public ProductWrite.Kind kind() {
    return change.kind();
  }

  public Stamp stamp() {
    return change.stamp();
  }

  /** Whether it is the create of a new id, which travels in the product formats every reader knows. */
  public boolean isCreate() {
    return change.kind() == ProductWrite.Kind.REPLACE && !change.stamp().clientVersion()
        && change.stamp().writeId().equals(productId) && change.values().keySet().containsAll(VersionedProduct.REQUIRED);
  }

  /** The product a create makes. */
  public Product asProduct() {
    Map<String, String> v = change.values();
    return new Product(productId, v.get("name"), v.get("description"), new BigDecimal(v.get("price")),
        v.get("currency"), v.get("sku"), v.get("category"), change.stamp().acceptedAt());
  }
}
