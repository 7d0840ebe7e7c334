package io.asynccatalog.domain;

import java.nio.charset.StandardCharsets;

/**
 * The challenge's report: a short plain-text summary of one product, one {@code key: value} per line. It is built
 * only from what was fixed at ingest, so rewriting it on a redelivery produces the same bytes.
 */
public final class ProductReport {
  public static final String CONTENT_TYPE = "text/plain; charset=utf-8";
  public static final int FORMAT_VERSION = 1;

  private ProductReport() {}

  public static String objectKey(String prefix, String productId) {
    return prefix + productId + ".txt";
  }

  public static byte[] render(Product p) {
    StringBuilder text = new StringBuilder(256)
        .append("AsyncCatalog product report\n")
        .append("format: ").append(FORMAT_VERSION).append('\n')
        .append("product-id: ").append(p.id()).append('\n')
        .append("name: ").append(p.name()).append('\n')
        .append("price: ").append(ProductJson.formatPrice(p.price())).append(' ').append(p.currency()).append('\n');
    line(text, "description", p.description());
    line(text, "sku", p.sku());
    line(text, "category", p.category());
    text.append("accepted-at: ").append(Instants.format(p.createdAt())).append('\n');
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void line(StringBuilder text, String key, String value) {
    if (value != null) {
      text.append(key).append(": ");
      // one line per field: a multi-line description is escaped, not split
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '\\' -> text.append("\\\\");
          case '\r' -> text.append("\\r");
          case '\n' -> text.append("\\n");
          case '\t' -> text.append("\\t");
          default -> text.append(c);
        }
      }
      text.append('\n');
    }
  }
}
