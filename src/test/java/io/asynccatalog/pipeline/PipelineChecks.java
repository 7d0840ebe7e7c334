package io.asynccatalog.pipeline;

import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline: POST, queue, worker, table and bucket, GET. Subclasses say how the service is started: on the
 * local servers, on another transport, on LocalStack where a Docker engine runs. One service per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PipelineChecks {
  private static final int CLIENTS = 16;
  private RunningApp service;

  /** Starts the service under test, its data under {@code dir}. */
  abstract RunningApp start(Path dir) throws Exception;

  @BeforeAll
  void startService(@TempDir Path dir) throws Exception {
    service = start(dir);
  }

  @AfterAll
  void stopService() {
    if (service != null) {
      service.close();
    }
  }

  /** The running service under test. */
  RunningApp service() {
    return service;
  }

  /** How many products the concurrent test posts. */
  abstract int products();

  /** Whether GET /products pages in id order (PostgreSQL); DynamoDB's scan order is its own. */
  boolean listsInIdOrder() {
    return false;
  }

  @Test
  void everyStoredProductIsListedExactlyOncePageByPage() throws Exception {
    RunningApp service = service();
    for (int i = 0; i < 120; i++) {
      assertEquals(202, service.http.postJson("{\"name\":\"Listed " + i + "\",\"price\":1}").statusCode());
    }
    service.awaitQueueDrained("the products stored");
    int stored = service.itemCount();
    List<String> listed = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<String> page = service.http.get("/products?limit=50" + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, page.statusCode(), page.body());
      JsonObject body = new JsonObject(page.body());
      assertTrue(body.getJsonArray("items").size() <= 50);
      body.getJsonArray("items").forEach(item -> listed.add(((JsonObject) item).getString("id")));
      cursor = body.getString("next");
      pages++;
    } while (cursor != null && pages < 1000);
    assertEquals(stored, listed.size(), "every stored product listed");
    assertEquals(stored, new java.util.HashSet<>(listed).size(), "none twice");
    if (listsInIdOrder()) {
      List<String> sorted = new ArrayList<>(listed);
      java.util.Collections.sort(sorted);
      assertEquals(sorted, listed, "pages in id order: acceptance order");
    }
  }

  @Test
  void everyAcceptedProductIsStoredOnceWithItsReportAndTheQueueDrains() throws Exception {
    RunningApp service = service();
    int count = products();
    // other tests of this class share the table: count from a quiet queue, when their products are all stored
    service.awaitQueueDrained("earlier products stored");
    int itemsBefore = service.itemCount();
    int reportsBefore = service.reportCount();
    Map<String, JsonObject> sent = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> posts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      posts.add(clients.submit(() -> {
        JsonObject product = new JsonObject().put("name", "Product " + n).put("description", "Number " + n)
            .put("price", n % 2 == 0 ? (Object) (n + ".5") : (Object) n).put("category", "test");
        HttpResponse<String> response = service.http.postJson(product.encode());
        assertEquals(202, response.statusCode(), response.body());
        JsonObject body = new JsonObject(response.body());
        assertEquals("accepted", body.getString("status"));
        assertEquals("/products/" + body.getString("id"), response.headers().firstValue("Location").orElseThrow());
        sent.put(body.getString("id"), product);
      }));
    }
    for (Future<?> post : posts) {
      post.get();
    }
    clients.shutdown();
    assertEquals(count, sent.size(), "every POST got its own id");

    Poll.until(Duration.ofSeconds(60), "all products stored", () -> service.itemCount() == itemsBefore + count);
    service.awaitQueueDrained("the queue to drain");
    assertEquals(reportsBefore + count, service.reportCount(), "one report per product");
    assertEquals(0, service.messagesIn(service.resources().dlqUrl()), "nothing dead-lettered");

    for (Map.Entry<String, JsonObject> entry : sent.entrySet()) {
      HttpResponse<String> response = service.http.get("/products/" + entry.getKey());
      assertEquals(200, response.statusCode(), response.body());
      JsonObject stored = new JsonObject(response.body());
      JsonObject product = entry.getValue();
      assertEquals(product.getString("name"), stored.getString("name"));
      assertEquals(product.getString("description"), stored.getString("description"));
      assertEquals(new java.math.BigDecimal(product.getValue("price").toString()).setScale(2).toPlainString(),
          stored.getString("price"));
      assertEquals("USD", stored.getString("currency"));
      assertEquals("test", stored.getString("category"));
      assertTrue(stored.getString("storedAt").compareTo(stored.getString("createdAt")) >= 0);
    }
  }

  @Test
  void theReportIsReadableThroughTheApiAndInTheBucket() throws Exception {
    RunningApp service = service();
    HttpResponse<String> accepted = service.http.postJson("{\"name\":\"Pen\",\"description\":\"Blue ink\",\"price\":\"1.99\"}");
    String id = new JsonObject(accepted.body()).getString("id");
    Poll.until(Duration.ofSeconds(30), "the report", () -> service.http.get("/products/" + id + "/report").statusCode() == 200);
    String report = service.http.get("/products/" + id + "/report").body();
    assertTrue(report.contains("product-id: " + id), report);
    assertTrue(report.contains("price: 1.99 USD"), report);
    String key = service.stored(id).orElseThrow().report().key();
    assertTrue(key.contains(id), "the object key holds the product id");
    String object = service.aws().s3().getObject(b -> b.bucket(service.resources().bucketName()).key(key),
        AsyncResponseTransformer.toBytes()).join().asUtf8String();
    assertEquals(report, object);
  }
}
