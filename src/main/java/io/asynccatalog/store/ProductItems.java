package io.asynccatalog.store;

import io.asynccatalog.domain.Instants;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.domain.StoredProduct;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The DynamoDB item form of a product. The price is a DynamoDB number: an exact decimal, never a binary float. */
public final class ProductItems {
  public static final String ID = "id";

  private ProductItems() {}

  public static Map<String, AttributeValue> toItem(Product p, Instant storedAt, ReportLocation report) {
    Map<String, AttributeValue> item = new HashMap<>(16);
    item.put(ID, s(p.id()));
    item.put("name", s(p.name()));
    item.put("price", AttributeValue.fromN(p.price().toPlainString()));
    item.put("currency", s(p.currency()));
    item.put("createdAt", s(Instants.format(p.createdAt())));
    item.put("storedAt", s(Instants.format(storedAt)));
    item.put("reportKey", s(report.key()));
    if (report.isRange()) {
      item.put("reportOffset", AttributeValue.fromN(Long.toString(report.offset())));
      item.put("reportLength", AttributeValue.fromN(Integer.toString(report.length())));
    }
    putIfPresent(item, "description", p.description());
    putIfPresent(item, "sku", p.sku());
    putIfPresent(item, "category", p.category());
    return item;
  }

  public static StoredProduct fromItem(Map<String, AttributeValue> item) {
    Product product = new Product(
        text(item, ID), text(item, "name"), text(item, "description"),
        new BigDecimal(item.get("price").n()), text(item, "currency"), text(item, "sku"), text(item, "category"),
        Instants.parse(text(item, "createdAt")));
    AttributeValue offset = item.get("reportOffset");
    ReportLocation report = offset == null
        ? ReportLocation.whole(text(item, "reportKey"))
        : new ReportLocation(text(item, "reportKey"), Long.parseLong(offset.n()),
            Integer.parseInt(item.get("reportLength").n()));
    return new StoredProduct(product, Instants.parse(text(item, "storedAt")), report);
  }

  public static Map<String, AttributeValue> key(String id) {
    return Map.of(ID, s(id));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }
}
