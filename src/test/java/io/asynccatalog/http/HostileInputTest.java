package io.asynccatalog.http;

import io.asynccatalog.testing.RawHttp;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile requests, byte for byte over a socket: each gets its 4xx as a problem, and the server keeps serving. */
class HostileInputTest {
  private static final int REQUEST_TIMEOUT_MS = 1500;
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  @TempDir
  static Path dir;
  static RunningApp service;

  @BeforeAll
  static void start() throws Exception {
    service = RunningApp.start("hostile", dir, json -> json
        .put("CATALOG_HTTP_MAX_BODY_BYTES", 16_384)
        .put("CATALOG_HTTP_REQUEST_TIMEOUT_MS", REQUEST_TIMEOUT_MS)
        .put("CATALOG_ENQUEUE_TIMEOUT_MS", 1000));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static byte[] post(String body) {
    return RawHttp.request("POST", "/products", JSON, body.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] post(byte[] body) {
    return RawHttp.request("POST", "/products", JSON, body);
  }

  private static Arguments hostile(String name, byte[] request, int status, String field) {
    return Arguments.of(name, request, status, field);
  }

  static Stream<Arguments> cases() {
    String deep = "{\"name\":" + "[".repeat(1000) + "]".repeat(1000) + ",\"price\":1}";
    byte[] invalidUtf8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', ',', '"', 'p', 'r',
        'i', 'c', 'e', '"', ':', '1', '}'};
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    for (int i = 0; i < 40; i++) {
      chunked.writeBytes(("400\r\n" + "x".repeat(1024) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return Stream.of(
        hostile("malformed JSON", post("{\"name\": \"Pen\", \"price\": "), 400, null),
        hostile("trailing comma", post("{\"name\":\"Pen\",\"price\":1,}"), 400, null),
        hostile("empty body", post(""), 400, null),
        hostile("array instead of object", post("[{\"name\":\"Pen\",\"price\":1}]"), 400, null),
        hostile("string instead of object", post("\"Pen\""), 400, null),
        hostile("number instead of object", post("42"), 400, null),
        hostile("two objects", post("{\"name\":\"a\",\"price\":1}{\"name\":\"b\",\"price\":1}"), 400, null),
        hostile("text/plain", RawHttp.request("POST", "/products", Map.of("Content-Type", "text/plain"),
            "name=Pen".getBytes(StandardCharsets.UTF_8)), 415, null),
        hostile("no content type", RawHttp.request("POST", "/products", Map.of(), "{}".getBytes()), 415, null),
        hostile("body over the limit (Content-Length)", post("{\"name\":\"" + "x".repeat(20_000) + "\",\"price\":1}"),
            413, null),
        hostile("body over the limit (chunked)", RawHttp.request("POST", "/products",
            Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"), chunked.toByteArray()), 413, null),
        hostile("name is a number", post("{\"name\":42,\"price\":1}"), 400, "name"),
        hostile("price is an object", post("{\"name\":\"Pen\",\"price\":{\"amount\":1}}"), 400, "price"),
        hostile("price is a boolean", post("{\"name\":\"Pen\",\"price\":true}"), 400, "price"),
        hostile("missing price", post("{\"name\":\"Pen\"}"), 400, "price"),
        hostile("missing name", post("{\"price\":1}"), 400, "name"),
        hostile("negative price", post("{\"name\":\"Pen\",\"price\":-0.01}"), 400, "price"),
        hostile("NaN string price", post("{\"name\":\"Pen\",\"price\":\"NaN\"}"), 400, "price"),
        hostile("NaN literal", post("{\"name\":\"Pen\",\"price\":NaN}"), 400, "price"),
        hostile("Infinity literal", post("{\"name\":\"Pen\",\"price\":Infinity}"), 400, "price"),
        hostile("Infinity string", post("{\"name\":\"Pen\",\"price\":\"Infinity\"}"), 400, "price"),
        hostile("exponent price", post("{\"name\":\"Pen\",\"price\":1e2}"), 400, "price"),
        hostile("huge exponent", post("{\"name\":\"Pen\",\"price\":1e400}"), 400, "price"),
        hostile("huge price", post("{\"name\":\"Pen\",\"price\":1000000000000000000000000000000}"), 400, "price"),
        hostile("very long number", post("{\"name\":\"Pen\",\"price\":" + "9".repeat(5000) + "}"), 400, "price"),
        hostile("three decimals", post("{\"name\":\"Pen\",\"price\":1.999}"), 400, "price"),
        hostile("name of spaces", post("{\"name\":\"     \",\"price\":1}"), 400, "name"),
        hostile("name with a control character", post("{\"name\":\"P\\u0007en\",\"price\":1}"), 400, "name"),
        hostile("name with a line break", post("{\"name\":\"P\\nen\",\"price\":1}"), 400, "name"),
        hostile("very long name", post("{\"name\":\"" + "n".repeat(10_000) + "\",\"price\":1}"), 400, "name"),
        hostile("very long description", post("{\"name\":\"Pen\",\"price\":1,\"description\":\""
            + "d".repeat(5000) + "\"}"), 400, "description"),
        hostile("lone surrogate", post("{\"name\":\"\\ud800\",\"price\":1}"), 400, "name"),
        hostile("deeply nested", post(deep), 400, "name"),
        hostile("duplicate keys", post("{\"name\":\"Pen\",\"price\":1,\"price\":2}"), 400, "price"),
        hostile("unknown field", post("{\"name\":\"Pen\",\"price\":1,\"colour\":\"red\"}"), 400, "colour"),
        hostile("unknown currency", post("{\"name\":\"Pen\",\"price\":1,\"currency\":\"XYZ\"}"), 400, "currency"),
        hostile("invalid UTF-8", post(invalidUtf8), 400, "name"),
        hostile("bad Idempotency-Key", RawHttp.request("POST", "/products", Map.of("Content-Type", "application/json",
            "Idempotency-Key", "has spaces"), "{\"name\":\"Pen\",\"price\":1}".getBytes()), 400, "Idempotency-Key"),
        hostile("unknown route", RawHttp.request("GET", "/nothing/here", Map.of(), null), 404, null),
        hostile("wrong method", RawHttp.request("DELETE", "/products", Map.of(), null), 405, null),
        hostile("malformed product id", RawHttp.request("GET", "/products/..%2F..%2Fetc", Map.of(), null), 400, "id"),
        hostile("malformed percent-encoding in the path", RawHttp.request("GET", "/products/%zz", Map.of(), null),
            400, null),
        hostile("truncated percent-encoding in the path", RawHttp.request("GET", "/products/abc%E", Map.of(), null),
            400, null),
        hostile("percent-encoded invalid UTF-8 in the path", RawHttp.request("GET", "/products/%C3%28", Map.of(),
            null), 400, null),
        hostile("malformed percent-encoding in the query", RawHttp.request("GET", "/products?limit=%zz", Map.of(),
            null), 400, null),
        hostile("a bare percent in the query", RawHttp.request("GET", "/products?cursor=%", Map.of(), null), 400,
            null),
        hostile("malformed percent-encoding in a write's query", RawHttp.request("POST", "/products?x=%zz", JSON,
            "{\"name\":\"Pen\",\"price\":1}".getBytes(StandardCharsets.UTF_8)), 400, null),
        hostile("malformed percent-encoding in a bulk write's query", RawHttp.request("POST", "/products/batch?x=%",
            JSON, "[{\"name\":\"Pen\",\"price\":1}]".getBytes(StandardCharsets.UTF_8)), 400, null),
        hostile("bad limit", RawHttp.request("GET", "/products?limit=0", Map.of(), null), 400, "limit"),
        hostile("limit not a number", RawHttp.request("GET", "/products?limit=ten", Map.of(), null), 400, "limit"),
        hostile("forged cursor", RawHttp.request("GET", "/products?cursor=bm90LWEtY3Vyc29y", Map.of(), null), 400,
            "cursor"),
        hostile("oversized headers", RawHttp.request("GET", "/products", Map.of("X-Big", "h".repeat(20_000)), null),
            431, null),
        hostile("URI too long", RawHttp.request("GET", "/products/" + "a".repeat(10_000), Map.of(), null), 414, null),
        hostile("broken request line", "GARBAGE\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 400, null),
        hostile("stalled body", RawHttp.request("POST", "/products", Map.of("Content-Type", "application/json",
            "Content-Length", "100"), "{\"name\":".getBytes()), 408, null));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("cases")
  void eachHostileRequestGetsAClearProblem(String name, byte[] request, int status, String field) throws Exception {
    RawHttp.Response response = RawHttp.exchange(service.app.httpPort(), request, REQUEST_TIMEOUT_MS * 4);
    assertEquals(status, response.status(), name + ": " + response.body());
    assertTrue(response.status() < 500);
    assertEquals(Problems.CONTENT_TYPE, response.header("Content-Type"), name);
    JsonObject problem = new JsonObject(response.body());
    assertEquals(status, problem.getInteger("status"));
    assertNotNull(problem.getString("detail"));
    assertTrue(!response.body().contains("Exception") && !response.body().contains("()")
            && !response.body().matches("(?s).*\\b(com|org|io|java)\\.[a-z]+\\..*"),
        "no Java names in " + response.body());
    if (field != null) {
      assertTrue(problem.getJsonArray("errors").stream().anyMatch(e -> field.equals(((JsonObject) e)
          .getString("field"))), name + " names " + field + ": " + response.body());
    }
    if (status == 405) {
      assertEquals("POST, GET", response.header("Allow"));
    }
    assertEquals(202, service.http.postJson("{\"name\":\"Still serving\",\"price\":1}").statusCode());
  }

  @Test
  void aBurstOfHostileRequestsDoesNotStopValidOnes() throws Exception {
    List<byte[]> hostile = cases().map(a -> (byte[]) a.get()[1]).filter(r -> !new String(r).contains("Content-Length: 100\r\n"))
        .toList();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<RawHttp.Response>> burst = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      for (byte[] request : hostile) {
        burst.add(pool.submit(() -> RawHttp.exchange(service.app.httpPort(), request, 10_000)));
      }
    }
    ConcurrentLinkedQueue<Long> validMillis = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < 50; i++) {
      long start = System.nanoTime();
      assertEquals(202, service.http.postJson("{\"name\":\"Valid during the burst " + i + "\",\"price\":1}").statusCode());
      validMillis.add((System.nanoTime() - start) / 1_000_000);
    }
    int fiveHundreds = 0;
    for (Future<RawHttp.Response> response : burst) {
      fiveHundreds += response.get().status() >= 500 ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(0, fiveHundreds, "no 5xx in the burst");
    long worst = validMillis.stream().mapToLong(Long::longValue).max().orElse(0);
    System.out.printf("[hostile-burst] %d hostile requests, 0 5xx; 50 valid POSTs during the burst, all 202, slowest %d ms%n",
        burst.size(), worst);
  }
}
