package io.asynccatalog.pipeline;

import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client retries with an Idempotency-Key: the same id back, one product stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyTest {
  private static final String KEY = "Idempotency-Key";

  RunningApp service;

  /** Where products and keys are kept: the default store (DynamoDB) here; a subclass runs the same on PostgreSQL. */
  UnaryOperator<JsonObject> store() {
    return json -> json;
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    service = RunningApp.start("idempotency", dir,
        json -> store().apply(json).put("CATALOG_IDEMPOTENCY_WINDOW_SECONDS", 2));
  }

  @AfterAll
  void stop() {
    service.close();
  }

  private static String id(HttpResponse<String> response) {
    assertEquals(202, response.statusCode(), response.body());
    return new JsonObject(response.body()).getString("id");
  }

  @Test
  void concurrentRetriesWithOneKeyGetOneIdAndStoreOneProduct() throws Exception {
    String key = UUID.randomUUID().toString();
    String body = "{\"name\":\"Retried " + key + "\",\"price\":\"5.00\"}";
    // products of the other tests of this class may still be on their way to the table: count from a quiet queue
    service.awaitQueueDrained("earlier products stored");
    int before = service.itemCount();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<HttpResponse<String>>> attempts = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      attempts.add(clients.submit(() -> service.http.postJson(body, KEY, key)));
    }
    Set<String> ids = new HashSet<>();
    int replayed = 0;
    for (Future<HttpResponse<String>> attempt : attempts) {
      HttpResponse<String> response = attempt.get();
      ids.add(id(response));
      replayed += response.headers().firstValue("Idempotent-Replayed").isPresent() ? 1 : 0;
    }
    clients.shutdown();
    assertEquals(1, ids.size(), "every retry got the first request's id: " + ids);
    assertEquals(15, replayed, "all but the first were replays");
    String id = ids.iterator().next();
    Poll.until(Duration.ofSeconds(30), "the product stored and the queue drained",
        () -> service.http.get("/products/" + id).statusCode() == 200
            && service.messagesIn(service.resources().queueUrl()) == 0);
    assertEquals(before + 1, service.itemCount(), "one product for sixteen requests");
  }

  @Test
  void aKeyReusedForAnotherBodyIsRefused() {
    String key = UUID.randomUUID().toString();
    id(service.http.postJson("{\"name\":\"First\",\"price\":1}", KEY, key));
    HttpResponse<String> other = service.http.postJson("{\"name\":\"Second\",\"price\":1}", KEY, key);
    assertEquals(422, other.statusCode(), other.body());
    assertTrue(other.body().contains("idempotency-key-reused"));
  }

  @Test
  void differentKeysAreDifferentProductsAndBadKeysAreRefused() {
    String body = "{\"name\":\"Same body\",\"price\":1}";
    assertNotEquals(id(service.http.postJson(body, KEY, "a-" + UUID.randomUUID())),
        id(service.http.postJson(body, KEY, "b-" + UUID.randomUUID())));
    HttpResponse<String> bad = service.http.postJson(body, KEY, "x".repeat(256));
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("Idempotency-Key"));
  }

  @Test
  void aKeyIsForgottenAfterItsWindow() throws Exception {
    String key = UUID.randomUUID().toString();
    String body = "{\"name\":\"Windowed\",\"price\":1}";
    String first = id(service.http.postJson(body, KEY, key));
    assertEquals(first, id(service.http.postJson(body, KEY, key)), "inside the window");
    Poll.until(Duration.ofSeconds(10), "the 2 s window to pass", () -> {
      HttpResponse<String> again = service.http.postJson(body, KEY, key);
      return !id(again).equals(first) && again.headers().firstValue("Idempotent-Replayed").isEmpty();
    });
  }
}
