package io.asynccatalog.http;

import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated requests thrown at the API: JSON-shaped bodies that are almost products, arbitrary bytes with arbitrary
 * content types, arbitrary paths and methods. None may get a 5xx; every 4xx is a problem; the service still takes
 * a valid product afterwards. The statuses seen are printed.
 */
class ApiFuzzTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Map<Integer, AtomicInteger> STATUSES = new ConcurrentHashMap<>();
  private static RunningApp service;

  @BeforeContainer
  static void start() throws Exception {
    service = RunningApp.start("fuzz", Files.createTempDirectory("fuzz"), json -> json
        .put("CATALOG_HTTP_MAX_BODY_BYTES", 8192)
        .put("CATALOG_CONSUMER_INSTANCES", 0)); // accept only: the fuzzer tests the API, not the workers
  }

  @AfterContainer
  static void stop() {
    System.out.println("[fuzz] statuses: " + new java.util.TreeMap<>(STATUSES));
    service.close();
  }

  @AfterProperty
  void stillTakesAValidProduct() {
    assertEquals(202, service.http.postJson("{\"name\":\"After fuzzing\",\"price\":\"1.00\"}").statusCode());
  }

  private static HttpResponse<String> send(String method, String path, String contentType, byte[] body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    STATUSES.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
    return response;
  }

  private static void assertSane(HttpResponse<String> response, Set<Integer> allowed) {
    int status = response.statusCode();
    assertTrue(status < 500, "5xx: " + status + " " + response.body());
    assertTrue(allowed.contains(status), "unexpected " + status + " " + response.body());
    if (status >= 400) {
      assertEquals(Problems.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
      JsonObject problem = new JsonObject(response.body());
      assertEquals(status, problem.getInteger("status"));
      assertTrue(problem.getString("detail") != null && problem.getString("type") != null);
    }
  }

  @Property(tries = 400)
  void almostProductsGetA202OrAProblem(@ForAll("bodies") String body) throws Exception {
    HttpResponse<String> response = send("POST", "/products", "application/json", body.getBytes());
    assertSane(response, Set.of(202, 400, 413));
    if (response.statusCode() == 202) {
      assertTrue(new JsonObject(response.body()).getString("id").length() == 36);
    }
  }

  @Property(tries = 200)
  void arbitraryBytesAndTypesNeverBreakIt(@ForAll byte[] body, @ForAll("contentTypes") String type) throws Exception {
    assertSane(send("POST", "/products", type, body), Set.of(400, 413, 415));
  }

  @Property(tries = 150)
  void arbitraryPathsAndMethodsGetProblems(@ForAll("paths") String path, @ForAll("methods") String method)
      throws Exception {
    HttpResponse<String> response = send(method, path, null, null);
    assertTrue(response.statusCode() < 500, response.statusCode() + " " + response.body());
    if (response.statusCode() >= 400 && !"HEAD".equals(method)) {
      assertEquals(Problems.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""), path);
    }
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<Object> text = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(30),
        Arbitraries.strings().all().ofMaxLength(20),
        Arbitraries.strings().alpha().ofMinLength(190).ofMaxLength(210),
        Arbitraries.of("", " ", "  Pen  ", "USD", "EUR", "XYZ", "1.99", "1.999", "-1", "NaN", "1e2", "\t"))
        .map(s -> (Object) s);
    Arbitrary<Object> number = Arbitraries.oneOf(
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.bigDecimals().ofScale(2).between(new java.math.BigDecimal("-100"), new java.math.BigDecimal("2000000000")).map(d -> (Object) d),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(0, 1000000000, 1000000001).map(i -> (Object) i));
    Arbitrary<Object> value = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, text), net.jqwik.api.Tuple.of(5, number),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(b -> (Object) b)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just((Object) null)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just((Object) new JsonArray().add(1))),
        net.jqwik.api.Tuple.of(1, Arbitraries.just((Object) new JsonObject().put("a", "b"))));
    Arbitrary<String> key = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(8, "name"), net.jqwik.api.Tuple.of(8, "price"), net.jqwik.api.Tuple.of(3, "description"),
        net.jqwik.api.Tuple.of(3, "currency"), net.jqwik.api.Tuple.of(2, "sku"), net.jqwik.api.Tuple.of(2, "category"),
        net.jqwik.api.Tuple.of(1, "id"), net.jqwik.api.Tuple.of(1, "colour"));
    Arbitrary<String> noise = Combinators.combine(key, value).as(java.util.AbstractMap.SimpleEntry::new).list()
        .ofMaxSize(8).map(entries -> {
          JsonObject json = new JsonObject();
          entries.forEach(e -> json.put(e.getKey(), e.getValue()));
          return json.encode();
        });
    // products that are valid or nearly so, so that the accepting path is fuzzed too
    Arbitrary<String> products = Combinators.combine(
            Arbitraries.strings().ofMinLength(1).ofMaxLength(60),
            Arbitraries.bigDecimals().ofScale(2).between(java.math.BigDecimal.ZERO, new java.math.BigDecimal("1000000")),
            Arbitraries.of("USD", "EUR", "JPY").injectNull(0.5),
            Arbitraries.strings().ofMaxLength(200).injectNull(0.5))
        .as((name, price, currency, description) -> {
          JsonObject json = new JsonObject().put("name", name).put("price", price);
          if (currency != null) {
            json.put("currency", currency);
          }
          return (description == null ? json : json.put("description", description)).encode();
        });
    return Arbitraries.oneOf(noise, products);
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.oneOf(Arbitraries.of("application/json", "application/json; charset=utf-8", "text/plain",
        "application/x-www-form-urlencoded", "application/vnd.api+json", "multipart/form-data; boundary=x"),
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40));
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of("products", "report", "admin", "dlq", "health",
            "ready", "openapi.json", "..", "%00", "%2e%2e", "01a20e66-3c3b-766f-b1ef-08a49545cc1e"),
        Arbitraries.strings().withCharRange('a', 'z').numeric().ofMaxLength(12));
    return segment.list().ofMinSize(1).ofMaxSize(4).map(list -> "/" + String.join("/", list))
        .flatMap(p -> Arbitraries.of("", "?limit=5", "?limit=-1", "?cursor=%25%25", "?max=3").map(q -> p + q));
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  }

}
