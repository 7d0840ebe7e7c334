package io.asynccatalog.domain;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import java.util.regex.Pattern;

/** Product ids: UUIDv7, so ids sort by acceptance time and carry no coordination between instances. */
public final class ProductIds {
  private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private ProductIds() {}

  public static String next() {
    return GENERATOR.generate().toString();
  }

  /** True for the canonical lower-case text form of a UUID, the only form this service hands out. */
  public static boolean isWellFormed(String id) {
    return id != null && UUID.matcher(id).matches();
  }
}
