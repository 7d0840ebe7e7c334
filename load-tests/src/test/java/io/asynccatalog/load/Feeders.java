package io.asynccatalog.load;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** An endless feeder of unique product numbers and prices. */
final class Feeders {
  private static final AtomicLong NEXT = new AtomicLong();

  private Feeders() {}

  static Iterator<Map<String, Object>> products() {
    return Stream.generate(() -> {
      long n = NEXT.incrementAndGet();
      return Map.<String, Object>of("productNumber", n, "price", (n % 10_000) + "." + String.format("%02d", n % 100));
    }).iterator();
  }
}
