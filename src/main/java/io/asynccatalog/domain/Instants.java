package io.asynccatalog.domain;

import java.time.Instant;

/**
 * ISO-8601 text of instants, and back, remembering the last one per thread: the products of a bulk request share
 * one acceptance time, and a stored group one storing time, so most calls repeat the previous one. Formatting an
 * instant costs about as much as the rest of a product's JSON.
 */
public final class Instants {
  private record Last(Instant instant, String text) {}

  private static final ThreadLocal<Last> LAST_FORMATTED = new ThreadLocal<>();
  private static final ThreadLocal<Last> LAST_PARSED = new ThreadLocal<>();

  private Instants() {}

  public static String format(Instant instant) {
    Last last = LAST_FORMATTED.get();
    if (last != null && last.instant().equals(instant)) {
      return last.text();
    }
    String text = instant.toString();
    LAST_FORMATTED.set(new Last(instant, text));
    return text;
  }

  /** As {@link Instant#parse}; throws {@link java.time.format.DateTimeParseException} the same way. */
  public static Instant parse(String text) {
    Last last = LAST_PARSED.get();
    if (last != null && last.text().equals(text)) {
      return last.instant();
    }
    Instant instant = Instant.parse(text);
    LAST_PARSED.set(new Last(instant, text));
    return instant;
  }
}
