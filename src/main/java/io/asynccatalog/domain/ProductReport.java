package io.asynccatalog.domain;

import java.nio.charset.StandardCharsets;

/**
 * The challenge's report: a short plain-text summary of one product, one {@code key: value} per line. It is built
 * only from what the product's writes fixed at ingest, so rewriting it on a redelivery produces the same bytes. A
 * product as its create made it has its report at {@code <prefix><id>.txt}, as before versions existed; every later
 * state of it has its own object, named by the state's entity tag, so that no older state's report can overwrite a
 * newer one's, whatever order the writes are stored in.
 */
public final class ProductReport {
  public static final String CONTENT_TYPE = "text/plain; charset=utf-8";
  public static final int FORMAT_VERSION = 1;

  private ProductReport() {}

  public static String objectKey(String prefix, String productId) {
    return prefix + productId + ".txt";
  }

  /** The object of one state of a product after its create: its entity tag names it. */
  public static String versionKey(String prefix, String productId, String etag) {
    return prefix + productId + "/" + etag.replace("\"", "") + ".txt";
  }

  public static byte[] render(Product p) {
    return render(p, null);
  }

  /** A product's report, with the version it is at ({@code version}: null for a product as its create made it). */
  public static byte[] render(Product p, io.asynccatalog.versions.Stamp version) {
    StringBuilder text = new StringBuilder(256)
        .append("AsyncCatalog product report\n")
        .append("format: ").append(FORMAT_VERSION).append('\n')
        .append("product-id: ").append(p.id()).append('\n');
    if (version != null) {
      text.append("version: ").append(version.version()).append(version.clientVersion() ? " (client)" : "")
          .append('\n');
    }
    text
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
