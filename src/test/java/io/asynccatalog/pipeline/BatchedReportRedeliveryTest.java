package io.asynccatalog.pipeline;

import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batched reports: a product's item points at a byte range of its group's object. A pack delivered again after it
 * was stored, in a group with other products, must not be stored again in the new group's object: its items would
 * point there and the first object could be left with no product pointing at it. Products already stored with
 * their report are left as they are, so every report object stays in use.
 */
class BatchedReportRedeliveryTest {
  @TempDir
  Path dir;

  private static List<Product> products(String name, int count) {
    List<Product> products = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      products.add(new Product(ProductIds.next(), name + " " + i, null, new BigDecimal("2.00"), "USD", null, null,
          Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    }
    return products;
  }

  private static String pack(List<Product> products) {
    return ProductMessages.pack(products.stream().map(p -> ProductMessages.packEntry(p, 0, null)).toList());
  }

  @Test
  void aPackDeliveredAgainInAnotherGroupKeepsItsItemsAndLeavesNoReportObjectUnused() throws Exception {
    List<Product> first = products("First pack", 5);
    List<Product> second = products("Second pack", 5);
    Map<String, String> storedAt = new HashMap<>();
    String[] names = new String[5];
    // a short visibility timeout: a long poll the stopped service left waiting may take a message, which SQS then
    // shows again once that timeout passes (as a redelivery)
    UnaryOperator<JsonObject> batched = json -> json.put("CATALOG_REPORT_MODE", "batched")
        .put("CATALOG_SAVE_LINGER_MS", 2000).put("CATALOG_VISIBILITY_TIMEOUT_SECONDS", 2);
    try (RunningApp service = RunningApp.start("batchedagain", dir, batched)) {
      String queueUrl = service.resources().queueUrl();
      service.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(pack(first))).join();
      service.awaitQueueDrained("the first pack stored");
      first.forEach(p -> storedAt.put(p.id(), service.item(p.id()).get("storedAt").s()));
      assertEquals(1, service.reportCount());
      names[0] = service.resources().queueUrl().substring(queueUrl.lastIndexOf('/') + 1);
      names[1] = service.resources().dlqUrl().substring(service.resources().dlqUrl().lastIndexOf('/') + 1);
      names[2] = service.resources().tableName();
      names[3] = service.resources().bucketName();
      names[4] = service.resources().idempotencyTableName();
    }
    UnaryOperator<JsonObject> same = json -> batched.apply(json).put("CATALOG_QUEUE_NAME", names[0])
        .put("CATALOG_DLQ_NAME", names[1]).put("CATALOG_TABLE_NAME", names[2]).put("CATALOG_BUCKET_NAME", names[3])
        .put("CATALOG_IDEMPOTENCY_TABLE_NAME", names[4]);
    // its delete was lost: SQS delivers the first pack again (a second receive), beside a new pack
    try (RunningApp service = RunningApp.start("batchedagain-2", dir, json -> same.apply(json)
        .put("CATALOG_CONSUMER_INSTANCES", 0))) {
      String queueUrl = service.resources().queueUrl();
      service.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(pack(first))).join();
      Poll.until(Duration.ofSeconds(15), "the first pack received once more", () -> !service.aws().sqs()
          .receiveMessage(b -> b.queueUrl(queueUrl).visibilityTimeout(0).waitTimeSeconds(1)).join().messages().isEmpty());
      service.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(pack(second))).join();
    }
    try (RunningApp service = RunningApp.start("batchedagain-3", dir, same)) {
      service.awaitQueueDrained("both packs processed");
      assertEquals(10, service.itemCount());
      Set<String> pointedAt = new HashSet<>();
      for (Product p : first) {
        Map<String, AttributeValue> item = service.item(p.id());
        assertEquals(storedAt.get(p.id()), item.get("storedAt").s(), "left as it was: " + p.name());
        pointedAt.add(item.get("reportKey").s());
      }
      for (Product p : second) {
        pointedAt.add(service.item(p.id()).get("reportKey").s());
        assertEquals(200, service.http.get("/products/" + p.id() + "/report").statusCode());
      }
      Set<String> objects = new HashSet<>(service.aws().s3().listObjectsV2(b -> b.bucket(service.resources()
          .bucketName())).join().contents().stream().map(o -> o.key()).toList());
      assertEquals(objects, pointedAt, "every report object is pointed at by some product");
      assertEquals(2, objects.size());
    }
  }
}
