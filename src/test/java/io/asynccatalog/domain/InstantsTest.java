package io.asynccatalog.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The arithmetic text of instants must be the JDK's, character for character, and read back the same. */
class InstantsTest {
  private static final long LAST_FOUR_DIGIT_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  @Test
  void writesWhatInstantToStringWrites() {
    SplittableRandom random = new SplittableRandom(27);
    for (int i = 0; i < 200_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(0, LAST_FOUR_DIGIT_SECOND + 1), nanos(random));
      assertEquals(instant.toString(), Instants.write(instant));
    }
    for (Instant edge : List.of(Instant.EPOCH, Instant.ofEpochSecond(LAST_FOUR_DIGIT_SECOND, 999_999_999),
        Instant.parse("2000-02-29T00:00:00Z"), Instant.parse("2100-03-01T00:00:00.000001Z"),
        Instant.parse("1972-12-31T23:59:59.1Z"), Instant.parse("2026-12-05T19:58:02.516455814Z"),
        Instant.ofEpochSecond(-1), Instant.ofEpochSecond(LAST_FOUR_DIGIT_SECOND + 1), Instant.MIN, Instant.MAX)) {
      assertEquals(edge.toString(), Instants.write(edge), edge.toString());
    }
  }

  @Test
  void readsWhatInstantParseReads() {
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 200_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(0, LAST_FOUR_DIGIT_SECOND + 1), nanos(random));
      String text = instant.toString();
      // also fractions of any length from one to nine digits, as clients and other writers may send them
      int digits = random.nextInt(10);
      String seconds = text.substring(0, 19);
      String fraction = String.format("%09d", instant.getNano()).substring(0, digits);
      String odd = digits == 0 ? seconds + "Z" : seconds + "." + fraction + "Z";
      assertEquals(instant, Instants.read(text), text);
      assertEquals(Instant.parse(odd), Instants.read(odd), odd);
    }
    for (String edge : List.of("1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2000-02-29T12:00:00Z",
        "1969-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "2026-12-05t19:58:02z", "2026-12-05T19:58:02+01:00",
        "2015-06-30T23:59:60Z", "2026-12-05T24:00:00Z",
        "2026-12-05T19:58:02.Z")) {
      assertEquals(Instant.parse(edge), Instants.read(edge), edge);
    }
  }

  @Test
  void refusesWhatInstantParseRefuses() {
    for (String bad : List.of("", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-12-05T-1:00:00Z", "2026-12-05T19:60:00Z",
        "2026-12-05T19:58:02.1234567890Z", "2026-12-05T19:58:0xZ", "2026-12-05 19:58:02Z",
        "2026-12-05T19:58:02", "2026-1a-05T19:58:02Z", "2026-12-05T19:58:02.12a4Z")) {
      assertThrows(DateTimeParseException.class, () -> Instant.parse(bad), bad);
      assertThrows(DateTimeParseException.class, () -> Instants.read(bad), bad);
    }
  }

  @Test
  void rememberedValuesAreTheSameAsFreshOnes() {
    Instant instant = Instant.parse("2026-12-05T19:58:02.516Z");
    assertEquals("2026-12-05T19:58:02.516Z", Instants.format(instant));
    assertEquals("2026-12-05T19:58:02.516Z", Instants.format(instant));
    assertEquals("2026-12-05T19:58:02.517Z", Instants.format(instant.plusMillis(1)));
    assertEquals(instant, Instants.parse("2026-12-05T19:58:02.516Z"));
    assertEquals(instant, Instants.parse("2026-12-05T19:58:02.516Z"));
    assertEquals(instant.plusMillis(1), Instants.parse("2026-12-05T19:58:02.517Z"));
  }

  /** Nanoseconds of every granularity ISO_INSTANT distinguishes: none, milli, micro and nano. */
  private static int nanos(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextInt(1_000) * 1_000_000;
      case 2 -> random.nextInt(1_000_000) * 1_000;
      default -> random.nextInt(1_000_000_000);
    };
  }
}
