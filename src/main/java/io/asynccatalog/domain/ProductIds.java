package io.asynccatalog.domain;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import java.util.regex.Pattern;

/** Product ids: UUIDv7, so ids sort by acceptance time and carry no coordination between instances. */
public final class ProductIds {
  private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private ProductIds() {}

  /** Keyed products' ids: name-based (version 5) UUIDs of their sku, which no UUIDv7 ever equals. */
  private static final com.fasterxml.uuid.impl.NameBasedGenerator KEYED =
      Generators.nameBasedGenerator(java.util.UUID.fromString("3b0f6a2e-5c41-4d8a-b7e9-0a6c2d9f1e54"));

  /**
   * The id of the product a client addresses by its sku: the same on every instance, with no lookup, so that two
   * instances taking the first writes of one sku at once agree on its id.
   */
  public static String forSku(String sku) {
    return KEYED.generate(sku.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  public static String next() {
    return GENERATOR.generate().toString();
  }

  /** True for the canonical lower-case text form of a UUID, the only form this service hands out. */
  public static boolean isWellFormed(String id) {
    return id != null && UUID.matcher(id).matches();
  }
}
