package io.asynccatalog.pipeline;

import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.domain.ProductReport;
import io.asynccatalog.queue.ProductQueue;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.sqs.model.Message;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SQS delivers at least once: the same product delivered again must leave one item and one report. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedeliveryTest {
  RunningApp service;

  /** Where products and keys are kept: the default store (DynamoDB) here; a subclass runs the same on PostgreSQL. */
  UnaryOperator<JsonObject> store() {
    return json -> json;
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    service = RunningApp.start("redelivery", dir, json -> store().apply(json));
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void theSameProductDeliveredManyTimesIsStoredOnce() throws Exception {
    Product product = new Product(ProductIds.next(), "Twice", null, new BigDecimal("3.10"), "EUR", null, null,
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    String body = ProductJson.toMessage(product);
    String queueUrl = service.resources().queueUrl();
    // two messages in one batch (one receive may hold both) and a third one later
    service.aws().sqs().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(
        e -> e.id("a").messageBody(body), e -> e.id("b").messageBody(body))).join();
    service.awaitQueueDrained("the first copies to be processed");
    byte[] firstReport = report(product.id());
    service.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).join();
    service.awaitQueueDrained("the third copy to be processed");

    assertEquals(1, service.itemCount(), "one item");
    assertEquals(1, service.reportCount(), "one report");
    assertEquals("Twice", service.stored(product.id()).orElseThrow().product().name());
    assertArrayEquals(firstReport, report(product.id()), "rewritten with the same bytes");
    assertArrayEquals(ProductReport.render(product), firstReport);
  }

  @Test
  void aMessageThatIsNotAProductGoesStraightToTheDeadLetterQueue() throws Exception {
    String dlqUrl = service.resources().dlqUrl();
    service.aws().sqs().sendMessage(b -> b.queueUrl(service.resources().queueUrl()).messageBody("{not a product")).join();
    // moved, not copied: in the DLQ and gone from the queue (the delete follows the send)
    Poll.until(Duration.ofSeconds(30), "the poison message moved to the DLQ",
        () -> service.messagesIn(dlqUrl) == 1 && service.messagesIn(service.resources().queueUrl()) == 0);
    List<Message> dead = service.aws().sqs().receiveMessage(b -> b.queueUrl(dlqUrl).messageAttributeNames("All")
        .waitTimeSeconds(1)).join().messages();
    assertEquals("{not a product", dead.get(0).body());
    assertTrue(dead.get(0).messageAttributes().get(ProductQueue.REJECTED_REASON).stringValue()
        .contains("not a product message"));
  }

  private byte[] report(String id) {
    return service.aws().s3().getObject(b -> b.bucket(service.resources().bucketName())
        .key(ProductReport.objectKey("reports/", id)), AsyncResponseTransformer.toBytes()).join().asByteArray();
  }
}
