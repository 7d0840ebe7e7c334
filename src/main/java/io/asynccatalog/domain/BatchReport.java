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
 * same bytes as its per-product report; every product's record points at its byte range. The key is a digest of the
 * products' ids and entity tags, so a redelivered group rewrites the same object with the same bytes, and another
 * state of a product lands in another object.
 */
public record BatchReport(String key, byte[] content, Map<String, ReportLocation> locations) {

  /** One product's report in the object: its id, the entity tag of the state it describes, and its bytes. */
  public record Entry(String id, String etag, byte[] report) {}

  public static BatchReport of(String prefix, List<Entry> entries) {
    List<Entry> ordered = entries.stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    String key = prefix + "batches/" + digest(ordered) + ".txt";
    ByteArrayOutputStream content = new ByteArrayOutputStream(256 * ordered.size());
    Map<String, ReportLocation> locations = new LinkedHashMap<>();
    for (Entry entry : ordered) {
      locations.put(entry.id(), new ReportLocation(key, content.size(), entry.report().length));
      content.writeBytes(entry.report());
    }
    return new BatchReport(key, content.toByteArray(), locations);
  }

  private static String digest(List<Entry> ordered) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ordered.forEach(e -> sha.update((e.id() + e.etag()).getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
