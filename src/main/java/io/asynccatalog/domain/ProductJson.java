package io.asynccatalog.domain;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The JSON forms of a product: the SQS message body and the API representation. */
public final class ProductJson {
  /** Version of the message body; a consumer refuses versions it does not know instead of guessing. */
  public static final int MESSAGE_VERSION = 1;

  private ProductJson() {}

  public static String toMessage(Product p) {
    return fields(p, new JsonObject().put("v", MESSAGE_VERSION)).encode();
  }

  /** The product's fields as carried in a message, added to {@code json}. */
  public static JsonObject fields(Product p, JsonObject json) {
    json.put("id", p.id())
        .put("name", p.name())
        .put("price", p.price().toPlainString())
        .put("currency", p.currency())
        .put("createdAt", Instants.format(p.createdAt()));
    putIfPresent(json, "description", p.description());
    putIfPresent(json, "sku", p.sku());
    putIfPresent(json, "category", p.category());
    return json;
  }

  /** Parses a message body written by {@link #toMessage}; throws {@link IllegalArgumentException} if it is not one. */
  public static Product fromMessage(String body) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a product message: " + e.getMessage(), e);
    }
    Object version = json.getValue("v");
    if (!(version instanceof Integer v) || v != MESSAGE_VERSION) {
      throw new IllegalArgumentException("not a product message: unknown message version " + version);
    }
    return fromFields(json);
  }

  /** The product in fields written by {@link #fields}; throws {@link IllegalArgumentException} if they are not one. */
  public static Product fromFields(JsonObject json) {
    try {
      String id = json.getString("id");
      if (!ProductIds.isWellFormed(id)) {
        throw new IllegalArgumentException("message has no valid product id");
      }
      return new Product(id, json.getString("name"), json.getString("description"),
          new BigDecimal(json.getString("price")), json.getString("currency"), json.getString("sku"),
          json.getString("category"), Instants.parse(json.getString("createdAt")));
    } catch (RuntimeException e) { // missing fields, wrong types, bad numbers or timestamps
      throw new IllegalArgumentException("not a product message: " + e.getMessage(), e);
    }
  }

  /** The API view of a stored product; the price is a decimal string with exactly two places. */
  public static JsonObject toApi(StoredProduct stored) {
    Product p = stored.product();
    JsonObject json = new JsonObject()
        .put("id", p.id())
        .put("name", p.name());
    putIfPresent(json, "description", p.description());
    json.put("price", formatPrice(p.price()))
        .put("currency", p.currency());
    putIfPresent(json, "sku", p.sku());
    putIfPresent(json, "category", p.category());
    return json
        .put("createdAt", Instants.format(p.createdAt()))
        .put("updatedAt", Instants.format(stored.latest().acceptedAt()))
        .put("version", stored.latest().version())
        .put("versionType", stored.latest().clientVersion() ? "client" : "service")
        .put("storedAt", Instants.format(stored.storedAt()))
        .put("status", "stored")
        .put("report", "/products/" + p.id() + "/report");
  }

  public static String formatPrice(BigDecimal price) {
    return price.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
  }

  private static void putIfPresent(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
