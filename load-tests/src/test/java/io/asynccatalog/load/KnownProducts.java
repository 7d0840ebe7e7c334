package io.asynccatalog.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Products created before a read simulation starts, and a feeder that cycles through their ids. */
final class KnownProducts {
  private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

  private KnownProducts() {}

  /** Creates {@code count} products and waits (with a deadline) until the last one is readable. */
  static List<String> create(int count) {
    HttpClient client = HttpClient.newHttpClient();
    List<String> ids = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(LoadSettings.BASE_URL + "/products"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Known " + i + "\",\"price\":\"1.00\"}"));
        if (!LoadSettings.API_KEY.isEmpty()) {
          post.header("X-API-Key", LoadSettings.API_KEY);
        }
        Matcher id = ID.matcher(client.send(post.build(), HttpResponse.BodyHandlers.ofString()).body());
        if (id.find()) {
          ids.add(id.group(1));
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String last = ids.get(ids.size() - 1);
      while (client.send(HttpRequest.newBuilder(URI.create(LoadSettings.BASE_URL + "/products/" + last)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the known products were not stored within 60 s");
        }
        Thread.sleep(100); // set-up before the measured run, polling with a deadline
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not create the known products: " + e.getMessage(), e);
    }
    return ids;
  }

  static Iterator<Map<String, Object>> cycle(List<String> ids) {
    AtomicInteger next = new AtomicInteger();
    return Stream.generate(() -> Map.<String, Object>of("id", ids.get(Math.floorMod(next.getAndIncrement(), ids.size()))))
        .iterator();
  }
}
