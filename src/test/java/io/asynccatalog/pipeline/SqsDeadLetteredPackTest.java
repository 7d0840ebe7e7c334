package io.asynccatalog.pipeline;

import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.queue.QueuedWrite;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pack that consumers crashed on {@code maxReceiveCount} times is moved to the dead-letter queue by SQS itself,
 * whole and without a reason. The admin endpoints show its products, and the redrive puts each back as a message of
 * its own, so that whichever product crashed the consumers cannot take the others down with it again; a service
 * then stores them.
 */
class SqsDeadLetteredPackTest {
  @TempDir
  Path dir;

  @Test
  void aPackSqsMovedIsShownProductByProductAndRedrivenOneProductPerMessage() throws Exception {
    List<Product> products = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      products.add(new Product(ProductIds.next(), "Crash-looped " + i, null, new BigDecimal("4.20"), "USD", null, null,
          Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    }
    String pack = ProductMessages.pack(products.stream().map(p -> ProductMessages.packEntry(p, 0, null)).toList());
    String queueUrl;
    String dlqUrl;
    // no consumers: the test plays the consumer that dies on the pack every time it receives it
    try (RunningApp admin = RunningApp.start("sqsmovedpack", dir, json -> json
        .put("CATALOG_CONSUMER_INSTANCES", 0)
        .put("CATALOG_MAX_RECEIVE_COUNT", 2))) {
      queueUrl = admin.resources().queueUrl();
      dlqUrl = admin.resources().dlqUrl();
      admin.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(pack)).join();
      for (int receive = 1; receive <= 2; receive++) {
        List<Message> got = admin.aws().sqs().receiveMessage(b -> b.queueUrl(queueUrl).visibilityTimeout(0)
            .waitTimeSeconds(2)).join().messages();
        assertEquals(1, got.size(), "receive " + receive);
      }
      String moved = queueUrl;
      Poll.until(Duration.ofSeconds(30), "SQS moving the pack to the dead-letter queue", () -> {
        admin.aws().sqs().receiveMessage(b -> b.queueUrl(moved).visibilityTimeout(0).waitTimeSeconds(1)).join();
        return admin.messagesIn(dlqUrl) == 1 && admin.messagesIn(moved) == 0;
      });

      HttpResponse<String> listed = admin.http.get("/admin/dlq");
      assertEquals(200, listed.statusCode(), listed.body());
      JsonObject dead = new JsonObject(listed.body()).getJsonArray("messages").getJsonObject(0);
      JsonArray shown = dead.getJsonArray("products");
      assertEquals(6, shown.size(), dead.encode());
      for (int i = 0; i < 6; i++) {
        assertEquals(products.get(i).id(), shown.getJsonObject(i).getString("id"));
      }
      assertEquals(null, dead.getValue("product"), "a pack has no single product");
      assertTrue(dead.getString("reason").contains("moved by SQS"), dead.encode());

      HttpResponse<String> redriven = admin.http.post("/admin/dlq/redrive", new byte[0]);
      assertEquals(200, redriven.statusCode(), redriven.body());
      assertEquals(new JsonObject().put("moved", 1).put("products", 6), new JsonObject(redriven.body()));
      assertEquals(0, admin.messagesIn(dlqUrl));
      assertEquals(6, admin.messagesIn(queueUrl), "one message per product");
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < 6 && ids.size() < 6; i++) {
        for (Message m : admin.aws().sqs().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
            .visibilityTimeout(0).waitTimeSeconds(1)).join().messages()) {
          ProductMessages.Contents contents = ProductMessages.read(m);
          assertEquals(1, contents.products().size(), m.body());
          QueuedWrite alone = contents.products().get(0);
          assertEquals(0, alone.attempts(), "a redrive starts the product's attempts afresh");
          assertTrue(alone.resent(), "marked as perhaps stored already");
          ids.add(alone.write().productId());
        }
      }
      assertEquals(products.stream().map(Product::id).collect(java.util.stream.Collectors.toSet()), ids);
    }
    // a service with consumers on the same queue and table stores each of them
    String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    String dlqName = dlqUrl.substring(dlqUrl.lastIndexOf('/') + 1);
    try (RunningApp consumer = RunningApp.start("sqsmovedpack-consumer", dir, json -> json
        .put("CATALOG_QUEUE_NAME", queueName).put("CATALOG_DLQ_NAME", dlqName)
        .put("CATALOG_MAX_RECEIVE_COUNT", 2))) {
      consumer.awaitQueueDrained("the redriven products stored");
      for (Product p : products) {
        assertFalse(consumer.item(p.id()).isEmpty(), p.name());
      }
    }
  }
}
