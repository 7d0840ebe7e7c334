package io.asynccatalog.tracing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C trace context ({@code traceparent}): taken from the HTTP request when the client sends one, started here
 * otherwise, and carried with the product through an SQS message attribute to the worker, so that one product's
 * journey has one trace id in every log line.
 */
public record TraceContext(String traceId, String spanId, boolean sampled) {
  public static final String HEADER = "traceparent";
  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String INVALID_TRACE = "0".repeat(32);
  private static final String INVALID_SPAN = "0".repeat(16);

  /** The caller's context when {@code header} is a valid traceparent, else a new trace. */
  public static TraceContext fromHeaderOrNew(String header) {
    TraceContext parsed = parse(header);
    return parsed != null ? parsed : new TraceContext(randomHex(16), randomHex(8), true);
  }

  /** The context in a traceparent value, or null when it is absent or malformed. */
  public static TraceContext parse(String header) {
    if (header == null) {
      return null;
    }
    var matcher = TRACEPARENT.matcher(header.trim());
    if (!matcher.matches() || matcher.group(1).equals(INVALID_TRACE) || matcher.group(2).equals(INVALID_SPAN)) {
      return null;
    }
    return new TraceContext(matcher.group(1), matcher.group(2), (Integer.parseInt(matcher.group(3), 16) & 1) == 1);
  }

  /** A child span of this one, in the same trace. */
  public TraceContext child() {
    return new TraceContext(traceId, randomHex(8), sampled);
  }

  public String header() {
    return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
  }

  private static String randomHex(int bytes) {
    StringBuilder hex = new StringBuilder(bytes * 2);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < bytes; i++) {
      int b = random.nextInt(256);
      hex.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
    }
    String value = hex.toString();
    return value.chars().allMatch(c -> c == '0') ? randomHex(bytes) : value;
  }
}
