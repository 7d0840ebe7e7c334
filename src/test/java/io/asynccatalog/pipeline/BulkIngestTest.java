package io.asynccatalog.pipeline;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.domain.ProductReport;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.testing.AwsFaultProxy;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalAws;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /products/batch and packed messages end to end: many products per request and per message, every guarantee
 * still per product. The service reaches SQS and DynamoDB through a proxy that can fail chosen SendMessageBatch
 * entries and refuse chosen writes.
 */
class BulkIngestTest {
  private static final String KEY = "Idempotency-Key";

  @TempDir
  static Path dir;
  static AwsFaultProxy sqs;
  static AwsFaultProxy dynamoDb;
  static RunningApp service;

  @BeforeAll
  static void start() throws Exception {
    EmbeddedAws servers = SharedLocalAws.servers();
    sqs = new AwsFaultProxy(servers.sqsEndpoint().getPort());
    dynamoDb = new AwsFaultProxy(servers.dynamoDbEndpoint().getPort());
    AwsEnvironment env = AwsEnvironment.local(URI.create("http://127.0.0.1:" + sqs.port()),
        URI.create("http://127.0.0.1:" + dynamoDb.port()), servers.s3Endpoint());
    service = RunningApp.start("bulk", dir, env, json -> json
        .put("CATALOG_PACK_MAX_PRODUCTS", 10)
        .put("CATALOG_MAX_RECEIVE_COUNT", 3)
        .put("CATALOG_RETRY_BASE_SECONDS", 0)
        .put("CATALOG_AUTH", "off"));
  }

  @AfterAll
  static void stop() {
    service.close();
    sqs.close();
    dynamoDb.close();
  }

  private static JsonObject product(String name, int n) {
    return new JsonObject().put("name", name).put("description", "Item " + n).put("price", n + ".25")
        .put("sku", "SKU-" + n).put("category", "bulk");
  }

  private static String batch(List<JsonObject> products) {
    return new JsonObject().put("products", new JsonArray(new ArrayList<>(products))).encode();
  }

  private static List<JsonObject> products(String prefix, int count) {
    List<JsonObject> products = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      products.add(product(prefix + " " + i, i));
    }
    return products;
  }

  @Test
  void aThousandProductsInBatchesAreEachStoredOnceWithTheirFieldsAndReport() throws Exception {
    service.awaitQueueDrained("earlier products stored");
    int itemsBefore = service.itemCount();
    int reportsBefore = service.reportCount();
    Map<String, JsonObject> sent = new HashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<Map<String, JsonObject>>> requests = new ArrayList<>();
    for (int r = 0; r < 10; r++) {
      List<JsonObject> products = products("Bulk " + r, 100);
      requests.add(clients.submit(() -> {
        HttpResponse<String> response = service.http.postBatch(batch(products));
        assertEquals(202, response.statusCode(), response.body());
        JsonObject body = new JsonObject(response.body());
        assertEquals(100, body.getInteger("accepted"));
        JsonArray items = body.getJsonArray("items");
        Map<String, JsonObject> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
          JsonObject item = items.getJsonObject(i);
          assertEquals("accepted", item.getString("status"));
          assertEquals("/products/" + item.getString("id"), item.getString("location"));
          ids.put(item.getString("id"), products.get(i)); // items answer in request order
        }
        return ids;
      }));
    }
    for (Future<Map<String, JsonObject>> request : requests) {
      sent.putAll(request.get());
    }
    clients.shutdown();
    assertEquals(1000, sent.size(), "every product got its own id");

    Poll.until(Duration.ofSeconds(60), "all 1,000 stored", () -> service.itemCount() == itemsBefore + 1000);
    service.awaitQueueDrained("the queue to drain");
    assertEquals(reportsBefore + 1000, service.reportCount(), "one report per product");
    assertEquals(0, service.messagesIn(service.resources().dlqUrl()), "nothing dead-lettered");
    assertTrue(service.http.meter("catalog_enqueue_pack_size_max") > 1, "products travel packed");
    for (Map.Entry<String, JsonObject> entry : sent.entrySet()) {
      JsonObject stored = new JsonObject(service.http.get("/products/" + entry.getKey()).body());
      JsonObject product = entry.getValue();
      assertEquals(product.getString("name"), stored.getString("name"), "the id answered at that index");
      assertEquals(product.getString("description"), stored.getString("description"));
      assertEquals(product.getString("price"), stored.getString("price"));
      assertEquals(product.getString("sku"), stored.getString("sku"));
      assertEquals("bulk", stored.getString("category"));
    }
  }

  @Test
  void oneInvalidProductRefusesTheWholeRequestAndNamesItsIndex() {
    double accepted = service.http.meter("catalog_products_accepted_total");
    List<JsonObject> products = products("Valid", 40);
    products.set(17, new JsonObject().put("name", "Bad").put("price", "1.999"));
    products.set(23, new JsonObject().put("price", 1).put("colour", "red"));
    HttpResponse<String> response = service.http.postBatch(batch(products));
    assertEquals(400, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    JsonObject problem = new JsonObject(response.body());
    assertTrue(problem.getString("detail").startsWith("2 of the 40 products are invalid"), response.body());
    JsonArray errors = problem.getJsonArray("errors");
    assertEquals(new JsonObject().put("index", 17).put("field", "price")
        .put("message", "must be a decimal from 0 to 1000000000 with at most 2 decimal places, e.g. 1.99 or \"1.99\""),
        errors.getJsonObject(0));
    assertEquals(23, errors.getJsonObject(1).getInteger("index"));
    assertEquals(accepted, service.http.meter("catalog_products_accepted_total"), "nothing was queued");
  }

  @Test
  void sizeLimitsEncodingsAndBombsGetTheRightAnswers() throws Exception {
    HttpResponse<String> tooMany = service.http.postBatch(batch(products("Many", 1001)));
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.body().contains("must hold 1 to 1000 products, not 1001"), tooMany.body());
    assertEquals(400, service.http.postBatch("{\"products\":[]}").statusCode());
    assertEquals(400, service.http.postBatch("[{\"name\":\"not wrapped\",\"price\":1}]").statusCode());

    String huge = "{\"products\":[{\"name\":\"x\",\"price\":1,\"description\":\"" + "d".repeat(4000) + "\"}"
        + (",{\"name\":\"x\",\"price\":1,\"description\":\"" + "d".repeat(4000) + "\"}").repeat(1100) + "]}";
    assertEquals(413, service.http.postBatch(huge).statusCode(), "over 4 MiB as sent");

    List<JsonObject> small = products("Gzipped", 3);
    HttpResponse<String> gzipped = service.http.post("/products/batch", gzip(batch(small).getBytes(StandardCharsets.UTF_8)),
        "Content-Type", "application/json", "Content-Encoding", "gzip");
    assertEquals(202, gzipped.statusCode(), gzipped.body());
    HttpResponse<String> single = service.http.post("/products", gzip("{\"name\":\"Gzipped single\",\"price\":2}"
        .getBytes(StandardCharsets.UTF_8)), "Content-Type", "application/json", "Content-Encoding", "gzip");
    assertEquals(202, single.statusCode(), single.body());

    HttpResponse<String> corrupt = service.http.post("/products/batch", "not gzip at all".getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/json", "Content-Encoding", "gzip");
    assertEquals(400, corrupt.statusCode());
    assertTrue(corrupt.body().contains("not valid gzip"), corrupt.body());
    byte[] whole = gzip(batch(small).getBytes(StandardCharsets.UTF_8));
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 12);
    assertEquals(400, service.http.post("/products/batch", truncated, "Content-Type", "application/json",
        "Content-Encoding", "gzip").statusCode());
    assertEquals(415, service.http.post("/products/batch", whole, "Content-Type", "application/json",
        "Content-Encoding", "br").statusCode());

    // 1 GiB of zeros in about a megabyte: refused once the first 4 MiB are inflated
    byte[] bomb = gzipZeros(1L << 30);
    assertTrue(bomb.length < 2 << 20, "the bomb is small as sent: " + bomb.length);
    HttpResponse<String> exploded = service.http.post("/products/batch", bomb, "Content-Type", "application/json",
        "Content-Encoding", "gzip");
    assertEquals(413, exploded.statusCode(), exploded.body());
    assertTrue(exploded.body().contains("once decompressed"), exploded.body());
    HttpResponse<String> smallBomb = service.http.post("/products", gzipZeros(1 << 20), "Content-Type",
        "application/json", "Content-Encoding", "gzip");
    assertEquals(413, smallBomb.statusCode(), "the single route's 64 KiB limit applies to inflated bytes too");
  }

  @Test
  void aKeyedRetryAfterAPartialAcceptanceQueuesTheRestUnderTheSameIds() throws Exception {
    String marker = "Refused-" + UUID.randomUUID();
    List<JsonObject> products = products("Partial", 30);
    products.set(12, product(marker, 12)); // its pack (products 10 to 19, ten per message) fails
    String body = batch(products);
    String key = UUID.randomUUID().toString();
    service.awaitQueueDrained("earlier products stored");
    int itemsBefore = service.itemCount();

    sqs.failEntriesContaining(marker);
    HttpResponse<String> first = service.http.postBatch(body, KEY, key);
    sqs.failEntriesContaining(null);
    assertEquals(207, first.statusCode(), first.body());
    JsonObject partial = new JsonObject(first.body());
    assertEquals(20, partial.getInteger("accepted"));
    JsonArray items = partial.getJsonArray("items");
    for (int i = 0; i < 30; i++) {
      assertEquals(i >= 10 && i < 20 ? "not-accepted" : "accepted", items.getJsonObject(i).getString("status"),
          "item " + i + ": " + first.body());
    }
    double sendsBefore = service.http.meter("catalog_enqueue_batch_size_sum");

    HttpResponse<String> retry = service.http.postBatch(body, KEY, key);
    assertEquals(202, retry.statusCode(), retry.body());
    assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""));
    JsonArray again = new JsonObject(retry.body()).getJsonArray("items");
    for (int i = 0; i < 30; i++) {
      assertEquals(items.getJsonObject(i).getString("id"), again.getJsonObject(i).getString("id"), "same id " + i);
      assertEquals("accepted", again.getJsonObject(i).getString("status"));
    }
    assertEquals(10, service.http.meter("catalog_enqueue_batch_size_sum") - sendsBefore,
        "the retry sent only the ten that were not queued");

    Poll.until(Duration.ofSeconds(30), "the 30 products stored", () -> service.itemCount() == itemsBefore + 30);
    service.awaitQueueDrained("the queue to drain");
    assertEquals(itemsBefore + 30, service.itemCount(), "no product stored twice");
    for (int i = 0; i < 30; i++) {
      assertEquals(200, service.http.get("/products/" + items.getJsonObject(i).getString("id")).statusCode());
    }
    HttpResponse<String> third = service.http.postBatch(body, KEY, key);
    assertEquals(202, third.statusCode());
    assertEquals(sendsBefore + 10, service.http.meter("catalog_enqueue_batch_size_sum"), "all known queued: no send");
  }

  @Test
  void aPoisonProductEndsInTheDeadLetterQueueAloneAndIsStoredOnceRedrivenAfterTheFix() throws Exception {
    poisonEndsAlone(false);
  }

  /**
   * The table refuses the whole call that holds the poison product's statement (as it refuses a request it cannot
   * take at all): the store sends that call's statements again one by one, so its pack-mates are stored at once.
   */
  @Test
  void aPoisonProductWhoseWholeCallIsRefusedStillEndsInTheDeadLetterQueueAlone() throws Exception {
    dynamoDb.refuseWholeCalls(true);
    try {
      poisonEndsAlone(true);
    } finally {
      dynamoDb.refuseWholeCalls(false);
    }
  }

  private void poisonEndsAlone(boolean wholeCalls) throws Exception {
    String marker = "Poison-" + UUID.randomUUID();
    List<JsonObject> products = products("Packmate", 10);
    products.set(4, product(marker, 4));
    String dlqUrl = service.resources().dlqUrl();
    dynamoDb.refuseWritesContaining(marker);
    HttpResponse<String> accepted = service.http.postBatch(batch(products));
    assertEquals(202, accepted.statusCode(), accepted.body());
    JsonArray items = new JsonObject(accepted.body()).getJsonArray("items");
    String poisonId = items.getJsonObject(4).getString("id");

    Poll.until(Duration.ofSeconds(60), "the poison product dead-lettered after 3 tries, its pack-mates stored",
        () -> service.messagesIn(dlqUrl) == 1 && service.messagesIn(service.resources().queueUrl()) == 0);
    for (int i = 0; i < 10; i++) {
      int status = service.http.get("/products/" + items.getJsonObject(i).getString("id")).statusCode();
      assertEquals(i == 4 ? 404 : 200, status, "product " + i);
    }
    JsonObject dead = new JsonObject(service.http.get("/admin/dlq").body()).getJsonArray("messages").getJsonObject(0);
    assertEquals(1, dead.getJsonArray("products").size(), "alone: " + dead.encode());
    assertEquals(poisonId, dead.getJsonObject("product").getString("id"));
    assertEquals(3, dead.getJsonObject("product").getInteger("attempts"));
    assertTrue(dead.getString("reason").startsWith("failed on 3 attempt(s); last: DynamoDB: injected"), dead.encode());
    assertEquals(wholeCalls, dead.getString("reason").contains("this request is refused"), dead.encode());

    dynamoDb.refuseWritesContaining(null); // the operator fixes the cause, then redrives
    HttpResponse<String> redriven = service.http.post("/admin/dlq/redrive", new byte[0]);
    assertEquals(200, redriven.statusCode(), redriven.body());
    assertEquals(new JsonObject().put("moved", 1).put("products", 1), new JsonObject(redriven.body()));
    Poll.until(Duration.ofSeconds(30), "the redriven product stored",
        () -> service.http.get("/products/" + poisonId).statusCode() == 200);
    service.awaitQueueDrained("the queue to drain");
    assertEquals(0, service.messagesIn(dlqUrl));
    assertEquals(marker, new JsonObject(service.http.get("/products/" + poisonId).body()).getString("name"));
  }

  @Test
  void oneProductMessagesOfEarlierVersionsAndPacksAreBothConsumed() throws Exception {
    service.awaitQueueDrained("earlier products stored");
    List<Product> old = new ArrayList<>();
    List<Product> packed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      old.add(new Product(ProductIds.next(), "Old format " + i, null, new BigDecimal("1.50"), "EUR", null, null,
          Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
      packed.add(new Product(ProductIds.next(), "Packed " + i, "in a pack", new BigDecimal(i), "USD", "P-" + i, null,
          Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    }
    String queueUrl = service.resources().queueUrl();
    for (Product p : old) {
      service.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(ProductJson.toMessage(p))).join();
    }
    service.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(ProductMessages.pack(
        packed.stream().map(p -> ProductMessages.packEntry(p, 0, null)).toList()))).join();
    service.awaitQueueDrained("all ten consumed");
    for (Product p : old) {
      assertEquals("Old format", service.item(p.id()).get("name").s().substring(0, 10));
    }
    for (Product p : packed) {
      assertEquals(p.name(), service.item(p.id()).get("name").s());
    }
    assertEquals(0, service.messagesIn(service.resources().dlqUrl()));
  }

  @Test
  void aPackDeliveredAgainLeavesOneItemAndTheSameReportBytesPerProduct() throws Exception {
    List<Product> products = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      products.add(new Product(ProductIds.next(), "Twice packed " + i, null, new BigDecimal("3.10"), "EUR", null, null,
          Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    }
    String body = ProductMessages.pack(products.stream().map(p -> ProductMessages.packEntry(p, 0, null)).toList());
    String queueUrl = service.resources().queueUrl();
    service.awaitQueueDrained("earlier products stored");
    int itemsBefore = service.itemCount();
    int reportsBefore = service.reportCount();
    service.aws().sqs().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(
        e -> e.id("a").messageBody(body), e -> e.id("b").messageBody(body))).join();
    service.awaitQueueDrained("both copies processed");
    service.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).join();
    service.awaitQueueDrained("the third copy processed");

    assertEquals(itemsBefore + 4, service.itemCount(), "one item per product");
    assertEquals(reportsBefore + 4, service.reportCount(), "one report per product");
    for (Product p : products) {
      byte[] report = service.aws().s3().getObject(b -> b.bucket(service.resources().bucketName())
          .key(ProductReport.objectKey("reports/", p.id())), AsyncResponseTransformer.toBytes()).join().asByteArray();
      assertArrayEquals(ProductReport.render(p), report);
    }
  }

  static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] gzipZeros(long count) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (GZIPOutputStream zip = new GZIPOutputStream(out, 1 << 16)) {
      for (long written = 0; written < count; written += zeros.length) {
        zip.write(zeros);
      }
    }
    return out.toByteArray();
  }
}
