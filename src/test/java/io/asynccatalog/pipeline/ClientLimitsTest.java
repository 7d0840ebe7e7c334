package io.asynccatalog.pipeline;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.clients.ClientKeys;
import io.asynccatalog.testing.DelayProxy;
import io.asynccatalog.testing.LogCapture;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalAws;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several clients on one service: named, hashed and rotated keys; per-client rate limits answered 429 before
 * anything is queued; and, with SQS slowed so that the publisher's bound fills, a client flooding far over its limit
 * cannot take the service from a client posting within its own.
 */
class ClientLimitsTest {
  private static final String SHOP_KEY = "shop-key-0b7c";
  private static final String OLD_IMPORTER_KEY = "importer-key-2025";
  private static final String NEW_IMPORTER_KEY = "importer-key-2026";
  private static final String PARTNER_KEY = "partner-key-51de";
  private static final String METERED_KEY = "metered-key-93aa";
  private static final String FLOOD_KEY = "flood-key-c4f1";
  private static final String POLITE_KEY = "polite-key-77e0";
  private static final String PARTNER_DIGEST = ClientKeys.digestOf(PARTNER_KEY);
  private static final String PRODUCT = "{\"name\":\"Limited pen\",\"price\":\"1.50\"}";
  // HTTP/1.1, as the service speaks by default: preferring HTTP/2, the JDK client asks to upgrade on each connection
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path dir;
  static DelayProxy sqs;
  static RunningApp service;
  static LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    logs = LogCapture.open();
    EmbeddedAws servers = SharedLocalAws.servers();
    sqs = new DelayProxy(servers.sqsEndpoint().getPort());
    AwsEnvironment env = AwsEnvironment.local(URI.create("http://127.0.0.1:" + sqs.port()),
        servers.dynamoDbEndpoint(), servers.s3Endpoint());
    service = RunningApp.start("clients", dir, env, json -> json
        .put("CATALOG_AUTH", "required")
        .put("CATALOG_API_KEYS", String.join(",", "shop:" + SHOP_KEY, "importer:" + OLD_IMPORTER_KEY,
            "importer:" + NEW_IMPORTER_KEY, "partner:sha256:" + PARTNER_DIGEST, "metered:" + METERED_KEY,
            "flood:" + FLOOD_KEY, "polite:" + POLITE_KEY))
        .put("CATALOG_RATE_LIMITS", "metered=2/5,flood=2000/2000,polite=100/1000")
        // a small publisher so that a slowed SQS fills its bound: 5 products per message, one call at a time
        .put("CATALOG_ENQUEUE_MAX_PENDING", 100)
        .put("CATALOG_BATCH_MAX_PRODUCTS", 100)
        .put("CATALOG_ENQUEUE_MAX_BATCHES_IN_FLIGHT", 1)
        .put("CATALOG_PACK_MAX_PRODUCTS", 5)
        .put("CATALOG_ENQUEUE_TIMEOUT_MS", 10_000)
        .put("CATALOG_HTTP_REQUEST_TIMEOUT_MS", 15_000));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    sqs.close();
    logs.close();
  }

  private static HttpResponse<String> post(String path, String body, String key) {
    return post(path, body, key, null);
  }

  private static HttpResponse<String> post(String path, String body, String key, String idempotencyKey) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort()
              + path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
      if (key != null) {
        request.header("X-API-Key", key);
      }
      if (idempotencyKey != null) {
        request.header("Idempotency-Key", idempotencyKey);
      }
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String batch(int products) {
    return "{\"products\":[" + String.join(",", java.util.Collections.nCopies(products, PRODUCT)) + "]}";
  }

  private static double accepted(String client) {
    return service.http.meter("catalog_products_accepted_total", "client", client);
  }

  @Test
  void namedHashedAndRotatedKeysAreAcceptedAsTheirClientAndNoOtherKeyIs() {
    double importer = accepted("importer");
    double partner = accepted("partner");
    double shop = accepted("shop");
    assertEquals(202, post("/products", PRODUCT, SHOP_KEY).statusCode());
    assertEquals(202, post("/products", PRODUCT, OLD_IMPORTER_KEY).statusCode(), "the key being rotated out");
    assertEquals(202, post("/products/batch", batch(3), NEW_IMPORTER_KEY).statusCode(), "the key rotated in");
    assertEquals(202, post("/products", PRODUCT, PARTNER_KEY).statusCode(), "a key configured by its digest");
    assertEquals(401, post("/products", PRODUCT, "not-a-key").statusCode());
    assertEquals(401, post("/products", PRODUCT, null).statusCode());
    assertEquals(401, post("/products", PRODUCT, PARTNER_DIGEST).statusCode(), "the digest is not the key");
    assertEquals(401, post("/products", PRODUCT, "partner:" + PARTNER_KEY).statusCode());
    assertEquals(shop + 1, accepted("shop"));
    assertEquals(importer + 4, accepted("importer"), "both keys count for the one client");
    assertEquals(partner + 1, accepted("partner"));
    String metrics = service.http.get("/metrics").body();
    assertTrue(metrics.contains("catalog_products_accepted_total{client=\"polite\"} 0.0"),
        "every configured client has its series from the start");
    assertFalse(metrics.contains("client=\"anonymous\""), "with keys on, there is no anonymous client");
  }

  /** Two clients choosing the same Idempotency-Key (a counter, a date) must not see each other's products. */
  @Test
  void anIdempotencyKeyBelongsToTheClientThatSentIt() {
    String key = "order-" + java.util.UUID.randomUUID();
    HttpResponse<String> shop = post("/products", PRODUCT, SHOP_KEY, key);
    assertEquals(202, shop.statusCode(), shop.body());
    HttpResponse<String> partner = post("/products", PRODUCT, PARTNER_KEY, key);
    assertEquals(202, partner.statusCode(), partner.body());
    String shopId = new JsonObject(shop.body()).getString("id");
    String partnerId = new JsonObject(partner.body()).getString("id");
    assertFalse(shopId.equals(partnerId), "the second client gets a product of its own, not the first one's");
    assertTrue(partner.headers().firstValue("Idempotent-Replayed").isEmpty(), "nothing was replayed to it");

    HttpResponse<String> shopRetry = post("/products", PRODUCT, SHOP_KEY, key);
    assertEquals(shopId, new JsonObject(shopRetry.body()).getString("id"), "the first client's retry: its own id");
    assertEquals("true", shopRetry.headers().firstValue("Idempotent-Replayed").orElse(null));
    HttpResponse<String> partnerOther = post("/products", "{\"name\":\"Other\",\"price\":2}", PARTNER_KEY, key);
    assertEquals(422, partnerOther.statusCode(), "a client reusing its own key for another body: " + partnerOther.body());
    HttpResponse<String> importer = post("/products", "{\"name\":\"Other\",\"price\":2}", NEW_IMPORTER_KEY, key);
    assertEquals(202, importer.statusCode(), "a third client's first use of the key is its own: " + importer.body());
  }

  @Test
  void overTheLimitIs429WithItsHeadersAndNothingIsQueued() throws Exception {
    double before = accepted("metered");
    HttpResponse<String> burst = post("/products/batch", batch(5), METERED_KEY);
    assertEquals(202, burst.statusCode(), burst.body());
    assertEquals("\"products\";q=5;w=3", burst.headers().firstValue("RateLimit-Policy").orElse(null));
    assertTrue(burst.headers().firstValue("RateLimit").orElse("").startsWith("\"products\";r=0;t="),
        burst.headers().map().toString());

    double limitedBefore = service.http.meter("catalog_products_rate_limited_total", "client", "metered");
    // the bucket is empty: refused before the body is read
    HttpResponse<String> limited = post("/products/batch", batch(4), METERED_KEY);
    assertEquals(429, limited.statusCode(), limited.body());
    assertTrue(limited.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    JsonObject problem = new JsonObject(limited.body());
    assertTrue(problem.getString("type").endsWith(":rate-limited"), limited.body());
    assertTrue(problem.getString("detail").contains("Client 'metered' may send 2 products/s"), limited.body());
    assertTrue(problem.getString("detail").contains("was not read"), limited.body());
    assertFalse(limited.body().contains("\"items\""), "no product got an id");
    int retryAfter = Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 2, "1 product at 2/s: " + retryAfter);
    assertTrue(limited.headers().firstValue("RateLimit-Policy").isPresent());
    assertTrue(limited.headers().firstValue("RateLimit").isPresent());
    assertEquals(before + 5, accepted("metered"), "the 429 queued nothing");

    // once a product is back, a request is read: over the burst, it can never fit
    HttpResponse<String>[] read = new HttpResponse[1];
    Poll.until(Duration.ofSeconds(10), "a product refilled, so the request of 6 is read", () -> {
      read[0] = post("/products/batch", batch(6), METERED_KEY);
      return read[0].body().contains("rate-limit-burst-exceeded");
    });
    HttpResponse<String> tooLarge = read[0];
    assertEquals(429, tooLarge.statusCode());
    JsonObject whole = new JsonObject(tooLarge.body());
    assertTrue(whole.getString("detail").contains("This request has 6 products")
        && whole.getString("detail").contains("send at most 5 per request"), tooLarge.body());
    assertTrue(tooLarge.headers().firstValue("Retry-After").isEmpty(), "waiting cannot make it fit");
    assertEquals(limitedBefore + 6, service.http.meter("catalog_products_rate_limited_total", "client", "metered"),
        "products of the requests that were read are counted");

    // the bucket refills at 2 products/s: within the deadline, a product is taken again
    Poll.until(Duration.ofSeconds(10), "the metered client's bucket refills",
        () -> post("/products", PRODUCT, METERED_KEY).statusCode() == 202);
    assertEquals(before + 6, accepted("metered"));
    assertEquals(202, post("/products", PRODUCT, SHOP_KEY).statusCode(), "other clients were never limited");
  }

  /**
   * SQS answers 300 ms late and the publisher sends one call of 50 products at a time, so it takes some 160
   * products/s. The flood client's limit (2,000/s) is far above that and it sends far above its limit: it fills the
   * publisher's bound. The polite client stays within its limit: every one of its products is accepted.
   */
  @Test
  void aClientFloodingFarOverItsLimitCannotStarveOneWithinItsOwn() throws Exception {
    sqs.delay(300);
    // each flood thread has one request open at a time: 24 of them keep far more products coming than SQS takes
    ExecutorService threads = Executors.newFixedThreadPool(28);
    AtomicBoolean flooding = new AtomicBoolean(true);
    ConcurrentHashMap<Integer, AtomicInteger> floodAnswers = new ConcurrentHashMap<>();
    try {
      List<Future<?>> flood = new ArrayList<>();
      for (int t = 0; t < 24; t++) {
        flood.add(threads.submit(() -> {
          for (int i = 0; i < 5_000 && flooding.get(); i++) {
            int status;
            try {
              status = post("/products/batch", batch(10), FLOOD_KEY).statusCode();
            } catch (IllegalStateException e) {
              status = -1; // an I/O failure of the flood's own client
            }
            floodAnswers.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
          }
        }));
      }
      try {
        Poll.until(Duration.ofSeconds(30), "the flood fills the publisher's bound",
            () -> floodAnswers.containsKey(503));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + ": " + floodAnswers, e);
      }
      ConcurrentHashMap<Integer, AtomicInteger> politeAnswers = new ConcurrentHashMap<>();
      List<Future<?>> polite = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        polite.add(threads.submit(() -> {
          for (int i = 0; i < 10; i++) {
            HttpResponse<String> answer = post("/products", PRODUCT, POLITE_KEY);
            politeAnswers.computeIfAbsent(answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
          }
        }));
      }
      for (Future<?> f : polite) {
        f.get(120, TimeUnit.SECONDS);
      }
      flooding.set(false);
      for (Future<?> f : flood) {
        f.get(60, TimeUnit.SECONDS);
      }
      System.out.printf("[fairness] flood client: %s; polite client: %s%n", floodAnswers, politeAnswers);
      assertEquals(40, politeAnswers.getOrDefault(202, new AtomicInteger()).get(),
          "every product of the client within its limit is accepted: " + politeAnswers);
      assertTrue(floodAnswers.getOrDefault(429, new AtomicInteger()).get() > 0, "the flood is over its limit");
      assertTrue(floodAnswers.getOrDefault(503, new AtomicInteger()).get() > 0, "the flood filled its share");
      assertTrue(floodAnswers.getOrDefault(202, new AtomicInteger()).get() > 0, "the flood is still served its share");
    } finally {
      flooding.set(false);
      sqs.delay(0);
      threads.shutdownNow();
    }
  }

  @Test
  void theJourneyLogNamesTheClientAndNoLineOfTheRunHoldsAKeyOrDigest() {
    assertEquals(202, post("/products", PRODUCT, OLD_IMPORTER_KEY).statusCode());
    assertEquals(401, post("/products", PRODUCT, PARTNER_DIGEST).statusCode());
    List<String> lines = logs.lines();
    assertTrue(lines.stream().anyMatch(l -> l.contains("product accepted") && l.contains("client=importer")),
        "the journey log carries the client");
    for (String secret : List.of(SHOP_KEY, OLD_IMPORTER_KEY, NEW_IMPORTER_KEY, PARTNER_KEY, PARTNER_DIGEST,
        METERED_KEY, FLOOD_KEY, POLITE_KEY)) {
      for (String line : lines) {
        assertFalse(line.contains(secret), "a key or digest in a log line: " + line);
      }
    }
    String health = service.http.get("/health/ready").body() + service.http.get("/metrics").body();
    assertFalse(health.contains(PARTNER_DIGEST) || health.contains(SHOP_KEY), "nor in /health or /metrics");
  }
}
