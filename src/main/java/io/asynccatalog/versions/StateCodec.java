package io.asynccatalog.versions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The stamps of a product's fields as one short text beside the fields' values, the same in both stores: one group per
 * stamp, naming the fields that stamp set ({@code s<version>,<writeId>=<fields>} for a version of the service's,
 * {@code c<version>,<acceptedMicros>,<writeId>=<fields>} for a client's; groups joined by {@code ;}, fields as their
 * indexes in {@link VersionedProduct#FIELDS}). A product's create is one group.
 */
public final class StateCodec {
  private StateCodec() {}

  public static String encode(VersionedProduct state) {
    Map<Stamp, StringBuilder> groups = new LinkedHashMap<>();
    for (int i = 0; i < VersionedProduct.FIELDS.size(); i++) {
      VersionedProduct.Field field = state.fields().get(VersionedProduct.FIELDS.get(i));
      if (field != null) {
        groups.computeIfAbsent(field.stamp(), s -> new StringBuilder()).append(i);
      }
    }
    List<Map.Entry<Stamp, StringBuilder>> ordered = new ArrayList<>(groups.entrySet());
    ordered.sort(Map.Entry.comparingByKey());
    StringBuilder text = new StringBuilder(64 * ordered.size());
    for (Map.Entry<Stamp, StringBuilder> group : ordered) {
      if (!text.isEmpty()) {
        text.append(';');
      }
      Stamp s = group.getKey();
      text.append(s.clientVersion() ? 'c' : 's').append(s.version()).append(',');
      if (s.clientVersion()) {
        text.append(s.acceptedMicros()).append(',');
      }
      text.append(s.writeId()).append('=').append(group.getValue());
    }
    return text.toString();
  }

  /** The state whose stamps {@code text} holds, each field's value read by {@code valueOf} (null: absent). */
  public static VersionedProduct decode(String text, Function<String, String> valueOf) {
    Map<String, VersionedProduct.Field> fields = new HashMap<>();
    Stamp latest = null;
    for (String group : text.split(";")) {
      int eq = group.lastIndexOf('=');
      String[] parts = group.substring(1, eq).split(",", -1);
      boolean client = group.charAt(0) == 'c';
      if (group.charAt(0) != 'c' && group.charAt(0) != 's' || parts.length != (client ? 3 : 2)) {
        throw new IllegalArgumentException("not a product's stamps: " + text);
      }
      long version = Long.parseLong(parts[0]);
      Stamp stamp = client ? new Stamp(true, version, parts[2], Long.parseLong(parts[1]))
          : Stamp.service(version, parts[1]);
      for (char index : group.substring(eq + 1).toCharArray()) {
        String name = VersionedProduct.FIELDS.get(index - '0');
        fields.put(name, new VersionedProduct.Field(valueOf.apply(name), stamp));
      }
      latest = stamp.after(latest) ? stamp : latest;
    }
    return new VersionedProduct(fields, latest);
  }

  /** A product stored before versions existed: its create, every field set at its acceptance time. */
  public static VersionedProduct created(String productId, long acceptedMicros, Function<String, String> valueOf) {
    Stamp stamp = Stamp.service(acceptedMicros, productId);
    Map<String, VersionedProduct.Field> fields = new HashMap<>();
    VersionedProduct.FIELDS.forEach(name -> fields.put(name, new VersionedProduct.Field(valueOf.apply(name), stamp)));
    return new VersionedProduct(fields, stamp);
  }

  /** An entity tag for the state: it changes whenever any field or any field's stamp does. */
  public static String etag(String encoded) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded.getBytes(StandardCharsets.UTF_8));
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
