package io.asynccatalog.domain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batched report mode: one object holds the reports of the products stored together, back to back, each the
 * same bytes as its per-product report; every product's item points at its byte range. The key is a digest of the
 * product ids, so a redelivered batch rewrites the same object with the same bytes.
 */
public record BatchReport(String key, byte[] content, Map<String, ReportLocation> locations) {

  public static BatchReport of(String prefix, List<Product> products) {
    List<Product> ordered = products.stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    String key = prefix + "batches/" + digest(ordered) + ".txt";
    ByteArrayOutputStream content = new ByteArrayOutputStream(256 * ordered.size());
    Map<String, ReportLocation> locations = new LinkedHashMap<>();
    for (Product product : ordered) {
      byte[] report = ProductReport.render(product);
      locations.put(product.id(), new ReportLocation(key, content.size(), report.length));
      content.writeBytes(report);
    }
    return new BatchReport(key, content.toByteArray(), locations);
  }

  private static String digest(List<Product> ordered) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ordered.forEach(p -> sha.update(p.id().getBytes(StandardCharsets.US_ASCII)));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
