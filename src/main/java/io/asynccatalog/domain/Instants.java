package io.asynccatalog.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * ISO-8601 text of instants, and back, exactly as {@link Instant#toString} and {@link Instant#parse}. Every product
 * carries three instants through the queue and the store, and the JDK's formatter took about 6 % of the service's
 * CPU on single POSTs: the UTC shape of years 1970 to 9999 is written and read here digit by digit, and anything else
 * goes to the JDK. The last instant per thread is remembered too: the products of a bulk request share one acceptance
 * time, and a stored group one storing time.
 */
public final class Instants {
  private record Last(Instant instant, String text) {}

  private static final ThreadLocal<Last> LAST_FORMATTED = new ThreadLocal<>();
  private static final ThreadLocal<Last> LAST_PARSED = new ThreadLocal<>();
  /** 9999-12-31T23:59:59Z: the last second with a four-digit year, which ISO-8601 writes without a sign. */
  private static final long LAST_FOUR_DIGIT_SECOND = 253_402_300_799L;
  private static final int SECONDS_PER_DAY = 86_400;
  private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
      1_000_000_000};

  private Instants() {}

  public static String format(Instant instant) {
    Last last = LAST_FORMATTED.get();
    if (last != null && last.instant().equals(instant)) {
      return last.text();
    }
    String text = write(instant);
    LAST_FORMATTED.set(new Last(instant, text));
    return text;
  }

  /** As {@link Instant#parse}; throws {@link java.time.format.DateTimeParseException} the same way. */
  public static Instant parse(String text) {
    Last last = LAST_PARSED.get();
    if (last != null && last.text().equals(text)) {
      return last.instant();
    }
    Instant instant = read(text);
    LAST_PARSED.set(new Last(instant, text));
    return instant;
  }

  static String write(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < 0 || seconds > LAST_FOUR_DIGIT_SECOND) {
      return instant.toString();
    }
    int nanos = instant.getNano();
    // as ISO_INSTANT: no fraction, or the fraction in as few groups of three digits as it needs
    int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
    char[] out = new char[20 + (fraction == 0 ? 0 : fraction + 1)];
    LocalDate date = LocalDate.ofEpochDay(seconds / SECONDS_PER_DAY);
    int secondOfDay = (int) (seconds % SECONDS_PER_DAY);
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3_600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    int end = 19;
    if (fraction > 0) {
      out[end++] = '.';
      digits(out, end, nanos / POW10[9 - fraction], fraction);
      end += fraction;
    }
    out[end] = 'Z';
    return new String(out);
  }

  static Instant read(String text) {
    int length = text.length();
    if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
        || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
        || (length > 20 && (text.charAt(19) != '.' || length == 21))) {
      return Instant.parse(text);
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    int fraction = length == 20 ? 0 : number(text, 20, length - 21);
    // a leap second, an impossible date or a character that is no digit: the JDK decides, and words the error
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) {
      return Instant.parse(text);
    }
    long seconds = LocalDate.of(year, month, day).toEpochDay() * SECONDS_PER_DAY
        + hour * 3_600L + minute * 60L + second;
    int nanos = length == 20 ? 0 : fraction * POW10[9 - (length - 21)];
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** The decimal number of these ASCII digits; -1 if one is not a digit. */
  private static int number(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static void digits(char[] out, int at, int value, int count) {
    for (int i = at + count - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
