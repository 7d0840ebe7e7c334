package io.asynccatalog.pipeline;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.testing.AwsFaultProxy;
import io.asynccatalog.testing.DelayProxy;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalAws;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dependency's trouble never spends a product's tries, and a message is never worked on twice at once: DynamoDB
 * leaving every item of every BatchWriteItem unprocessed for a while (the way it throttles a hot partition), S3
 * so slow that saves reach their deadline, SQS so slow that settling outlasts the visibility timeout. Each runs with
 * two tries per product, so that a single try spent on the dependency's fault would dead-letter products.
 */
class DependencyFaultTest {
  @TempDir
  Path dir;

  private static URI local(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Waits until every product is readable and the queue is empty; then nothing may be in the dead-letter queue. */
  private static void assertAllStoredAndNoneDeadLettered(RunningApp service, List<String> ids, String figures)
      throws InterruptedException {
    try {
      Poll.until(Duration.ofSeconds(90), "every product stored and the queue drained",
          () -> service.messagesIn(service.resources().queueUrl()) == 0 && service.itemCount() >= ids.size());
    } catch (AssertionError e) {
      System.out.println(figures + " | " + e.getMessage()); // the figures and assertions below say what is missing
    }
    int dlq = service.messagesIn(service.resources().dlqUrl());
    String metrics = service.http.get("/metrics").body();
    System.out.printf("%s | products=%d stored=%d reports=%d dlq=%d deferred=%s%n", figures, ids.size(),
        service.itemCount(), service.reportCount(), dlq, metrics.contains("catalog_products_deferred_total")
            ? String.valueOf(service.http.meter("catalog_products_deferred_total")) : "(no such meter)");
    assertEquals(0, dlq, "a dependency's fault sends no product to the dead-letter queue");
    assertEquals(ids.size(), service.itemCount());
    assertEquals(ids.size(), service.reportCount(), "every stored product has its report");
    for (String id : List.of(ids.get(0), ids.get(ids.size() / 2), ids.get(ids.size() - 1))) {
      assertEquals(200, service.http.get("/products/" + id + "/report").statusCode(), id);
    }
  }

  /**
   * Every write throttled, for a while (each PartiQL statement answered ProvisionedThroughputExceeded, which the
   * store sends again after a backoff within the save's deadline): the breaker counts the throttling so the consumers pause, and the products are handed on
   * without spending a try. Once the table takes writes again, everything is stored and nothing was dead-lettered.
   * {@code -Dthrottle.seconds=N} throttles for N seconds instead of until every product was handed on three times.
   */
  @Test
  void aTableThrottlingEveryWriteDeadLettersNothing() throws Exception {
    EmbeddedAws servers = SharedLocalAws.servers();
    try (AwsFaultProxy dynamoDb = new AwsFaultProxy(servers.dynamoDbEndpoint().getPort())) {
      AwsEnvironment env = AwsEnvironment.local(servers.sqsEndpoint(), local(dynamoDb.port()), servers.s3Endpoint());
      try (RunningApp service = RunningApp.start("throttled", dir, env, json -> json
          .put("CATALOG_MAX_RECEIVE_COUNT", 2)
          .put("CATALOG_RETRY_BASE_SECONDS", 1).put("CATALOG_RETRY_MAX_SECONDS", 2)
          .put("CATALOG_SAVE_TIMEOUT_MS", 2000).put("CATALOG_AWS_CALL_TIMEOUT_MS", 2000)
          .put("CATALOG_BREAKER_RESET_MS", 500))) {
        dynamoDb.throttleWrites(true);
        long started = System.nanoTime();
        List<String> ids = service.postProducts("Throttled " + UUID.randomUUID(), 1000);
        String seconds = System.getProperty("throttle.seconds");
        if (seconds != null) { // bulk load all along the window: 100 more products every half second
          long end = started + Duration.ofSeconds(Long.parseLong(seconds)).toNanos();
          long[] next = {System.nanoTime()};
          Poll.until(Duration.ofSeconds(Long.parseLong(seconds) + 10), "the throttling window to pass", () -> {
            if (System.nanoTime() - next[0] > 0) {
              ids.addAll(service.postProducts("Throttled more " + UUID.randomUUID(), 100));
              next[0] += 500_000_000L;
            }
            return System.nanoTime() > end;
          });
        } else {
          Poll.until(Duration.ofSeconds(60), "every product handed on three times while DynamoDB throttles",
              () -> service.http.meter("catalog_products_deferred_total") >= 3 * ids.size());
        }
        dynamoDb.throttleWrites(false);
        long window = (System.nanoTime() - started) / 1_000_000;
        assertTrue(dynamoDb.throttled() > 0, "the table did throttle");
        assertAllStoredAndNoneDeadLettered(service, ids, "[throttled] " + window + " ms of every write throttled, "
            + dynamoDb.throttled() + " write calls answered so");
      }
    }
  }

  /**
   * S3 answering each PUT 600 ms late, four at a time: a group of 200 per-product reports cannot be written within
   * the 3 s save deadline. The saver starts no wave it cannot finish by then and answers at the deadline with nothing
   * left running; what it did not write is S3's fault, handed on without a try spent. Once S3 is quick again,
   * everything is stored and nothing was dead-lettered. {@code -Dslow.seconds=N}: slow for N seconds instead of until
   * 200 products reached a deadline.
   */
  @Test
  void anS3TooSlowForTheSaveDeadlineDeadLettersNothing() throws Exception {
    EmbeddedAws servers = SharedLocalAws.servers();
    try (DelayProxy s3 = new DelayProxy(servers.s3Endpoint().getPort())) {
      AwsEnvironment env = AwsEnvironment.local(servers.sqsEndpoint(), servers.dynamoDbEndpoint(), local(s3.port()));
      try (RunningApp service = RunningApp.start("slows3", dir, env, json -> json
          .put("CATALOG_MAX_RECEIVE_COUNT", 2)
          .put("CATALOG_RETRY_BASE_SECONDS", 1).put("CATALOG_RETRY_MAX_SECONDS", 2)
          .put("CATALOG_SAVE_TIMEOUT_MS", 3000).put("CATALOG_AWS_CALL_TIMEOUT_MS", 2000)
          .put("CATALOG_AWS_MAX_CONNECTIONS", 4).put("CATALOG_BREAKER_RESET_MS", 500))) {
        s3.delay(600);
        long started = System.nanoTime();
        List<String> ids = service.postProducts("Slow report " + UUID.randomUUID(), 200);
        String seconds = System.getProperty("slow.seconds");
        if (seconds != null) {
          long end = started + Duration.ofSeconds(Long.parseLong(seconds)).toNanos();
          Poll.until(Duration.ofSeconds(Long.parseLong(seconds) + 10), "the slow window to pass",
              () -> System.nanoTime() > end);
        } else {
          Poll.until(Duration.ofSeconds(60), "200 products past a save's deadline while S3 is slow",
              () -> service.http.meter("catalog_saves_deadline_passed_total") >= 200);
        }
        s3.delay(0);
        long window = (System.nanoTime() - started) / 1_000_000;
        assertAllStoredAndNoneDeadLettered(service, ids, "[slows3] " + window + " ms of S3 answering 600 ms late, "
            + "4 PUTs at a time, 3 s save deadline");
      }
    }
  }

  /**
   * One product of a pack of two is refused by the table (its own fault), so settling the pack means handing that
   * product on in a new message before deleting the pack, and SQS takes that send 2.5 s, longer than the 2 s
   * visibility timeout. The pack stays hidden until it is deleted: it is received once, the product handed on once.
   */
  @Test
  void aMessageStaysHiddenUntilItsSlowSettlementIsDone() throws Exception {
    EmbeddedAws servers = SharedLocalAws.servers();
    try (AwsFaultProxy sqs = new AwsFaultProxy(servers.sqsEndpoint().getPort());
         AwsFaultProxy dynamoDb = new AwsFaultProxy(servers.dynamoDbEndpoint().getPort())) {
      AwsEnvironment env = AwsEnvironment.local(local(sqs.port()), local(dynamoDb.port()), servers.s3Endpoint());
      try (RunningApp service = RunningApp.start("slowsettle", dir, env, json -> json
          .put("CATALOG_VISIBILITY_TIMEOUT_SECONDS", 2)
          .put("CATALOG_RETRY_BASE_SECONDS", 1).put("CATALOG_RETRY_MAX_SECONDS", 1))) {
        String marker = "Refused " + UUID.randomUUID();
        dynamoDb.refuseWritesContaining(marker);
        sqs.delay("SendMessageBatch", 2500);
        HttpResponse<String> answer = service.http.postBatch(new JsonObject().put("products", new JsonArray()
            .add(new JsonObject().put("name", "Fine " + UUID.randomUUID()).put("price", 1))
            .add(new JsonObject().put("name", marker).put("price", 1))).encode());
        assertEquals(202, answer.statusCode(), answer.body());
        // the product's own statement (each statement of a group's BatchExecuteStatement answers on its own)
        Poll.until(Duration.ofSeconds(30), "the table refusing the product", () -> dynamoDb.refused() >= 1);
        dynamoDb.refuseWritesContaining(null); // its next try succeeds
        // every receive ends in one delete when no message is taken again while it is being settled (a delete
        // with the receipt handle of a receive whose visibility lapsed fails: that message comes back)
        Poll.until(Duration.ofSeconds(30), "both products stored, the queue drained, each receive deleted",
            () -> service.itemCount() == 2 && service.messagesIn(service.resources().queueUrl()) == 0
                && service.http.meter("catalog_messages_deleted_total")
                == service.http.meter("catalog_messages_received_total"));
        double received = service.http.meter("catalog_messages_received_total");
        System.out.printf("[slowsettle] hand-over send 2500 ms, visibility 2 s: messages received=%.0f, "
            + "visibility failures=%.0f%n", received, service.http.meter("catalog_messages_visibility_failures_total"));
        assertEquals(2, received, "the pack once, the product handed on once: nobody took the pack while it was "
            + "being settled");
        assertEquals(0, service.messagesIn(service.resources().dlqUrl()));
      }
    }
  }
}
