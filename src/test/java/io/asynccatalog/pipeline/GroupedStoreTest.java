package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fewer calls per product when the consumers keep up: messages of several receives are stored together (one group
 * of up to 25: one BatchWriteItem, one batched report object, deletes ten per call) although SQS hands out at most
 * ten per receive, and a poller whose receive came back part full pauses, so that messages gather in SQS instead of
 * each waiting long poll taking one.
 */
class GroupedStoreTest {
  private static final int PRODUCTS = 25;

  @TempDir
  Path dir;

  @Test
  void messagesOfSeveralReceivesAreStoredAsOneGroupAndAllDeleted() throws Exception {
    // a long linger: the first group waits for all 25 unless posting them takes longer than that
    try (RunningApp service = RunningApp.start("grouped", dir, json -> json
        .put("CATALOG_REPORT_MODE", "batched")
        .put("CATALOG_SAVE_BATCH", 25)
        .put("CATALOG_SAVE_LINGER_MS", 5000))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < PRODUCTS; i++) {
        HttpResponse<String> accepted = service.http.postJson("{\"name\":\"Grouped " + i + "\",\"price\":" + (i + 1)
            + "}");
        assertEquals(202, accepted.statusCode(), accepted.body());
        ids.add(new JsonObject(accepted.body()).getString("id"));
      }
      service.awaitQueueDrained("the 25 products to be stored and their messages deleted");

      assertEquals(PRODUCTS, service.itemCount(), "one item per product");
      double largestReceive = service.http.meter("catalog_receive_batch_size_max");
      double largestGroup = service.http.meter("catalog_store_batch_size_max");
      assertTrue(largestReceive <= 10, "SQS gives at most ten per receive, got " + largestReceive);
      assertTrue(largestGroup > 10, "a group gathers several receives: largest group " + largestGroup);
      assertEquals(PRODUCTS, service.http.meter("catalog_messages_received_total"), "no message received twice");
      assertEquals(PRODUCTS, service.http.meter("catalog_messages_deleted_total"),
          "every message deleted (more than ten per group: several delete calls)");
      assertTrue(service.reportCount() < PRODUCTS, "batched reports: fewer objects than products, got "
          + service.reportCount());
      for (int i = 0; i < PRODUCTS; i++) {
        HttpResponse<String> report = service.http.get("/products/" + ids.get(i) + "/report");
        assertEquals(200, report.statusCode(), report.body());
        assertTrue(report.body().contains(ids.get(i)) && report.body().contains("name: Grouped " + i + "\n"),
            "the report of product " + i + " is its own slice of the group's object: " + report.body());
      }
      System.out.printf("[grouped] %d products: largest receive %.0f, largest group %.0f, %d report object(s)%n",
          PRODUCTS, largestReceive, largestGroup, service.reportCount());
    }
  }

  @Test
  void aPollerPausesAfterAPartFullReceiveSoThatMessagesGather() throws Exception {
    // four pollers, each paused for 3 s once it has taken a message: the products after the first four gather
    try (RunningApp service = RunningApp.start("pause", dir, json -> json
        .put("CATALOG_CONSUMER_POLLERS", 4)
        .put("CATALOG_RECEIVE_PAUSE_MS", 3000)
        .put("CATALOG_SAVE_LINGER_MS", 0))) {
      for (int i = 0; i < 12; i++) {
        assertEquals(202, service.http.postJson("{\"name\":\"Paced " + i + "\",\"price\":1}").statusCode());
      }
      service.awaitQueueDrained("the 12 products to be stored");
      assertEquals(12, service.itemCount());
      double largestReceive = service.http.meter("catalog_receive_batch_size_max");
      assertTrue(largestReceive >= 4, "messages posted one by one gathered while the pollers paused: largest receive "
          + largestReceive);
      assertEquals(12, service.http.meter("catalog_messages_deleted_total"));
      System.out.printf("[pause] 12 products posted one by one: largest receive %.0f%n", largestReceive);
    }
  }
}
