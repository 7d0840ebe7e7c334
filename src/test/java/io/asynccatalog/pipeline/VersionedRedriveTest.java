package io.asynccatalog.pipeline;

import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.versions.ProductWrite;
import io.asynccatalog.versions.Stamp;
import io.asynccatalog.versions.VersionClock;
import io.asynccatalog.versions.Write;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A poison write (a price DynamoDB refuses) is dead-lettered after its tries; a newer write of the same product is
 * stored meanwhile; an operator redrives the dead-letter queue: the poison write, older, loses to the newer one and
 * is settled as done, so the product keeps its newer state and the dead-letter queue stays empty.
 */
class VersionedRedriveTest {
  @TempDir
  Path dir;

  @Test
  void aRedrivenOlderWriteLosesToTheNewerOneStoredMeanwhile() throws Exception {
    try (RunningApp service = RunningApp.start("versionedredrive", dir, json -> json
        .put("CATALOG_MAX_RECEIVE_COUNT", 2).put("CATALOG_RETRY_BASE_SECONDS", 0))) {
      String sku = "REDRIVE-" + ProductIds.next();
      String id = ProductIds.forSku(sku);
      assertEquals(202, service.http.send("PUT", "/products/sku/" + sku + "?version=3",
          "{\"name\":\"First\",\"price\":\"1.00\"}", "Content-Type", "application/json").statusCode());
      service.awaitQueueDrained("the first version stored");
      // version 5: a patch whose price (38 significant digits) DynamoDB refuses, as a client's write travels
      Write poison = new Write(id, new ProductWrite(ProductWrite.Kind.PATCH, new Stamp(true, 5, ProductIds.next(),
          VersionClock.microsOf(Instant.now())), Map.of("price", "1234567890123456789012345678901234567.89")));
      String queueUrl = service.resources().queueUrl();
      String dlqUrl = service.resources().dlqUrl();
      service.aws().sqs().sendMessage(b -> b.queueUrl(queueUrl)
          .messageBody(ProductMessages.pack(List.of(ProductMessages.entry(poison, 0, 0, null, false))))).join();
      Poll.until(Duration.ofSeconds(60), "the poison write dead-lettered after its two tries",
          () -> service.messagesIn(dlqUrl) == 1 && service.messagesIn(queueUrl) == 0);

      assertEquals(202, service.http.send("PUT", "/products/sku/" + sku + "?version=9",
          "{\"name\":\"Newer\",\"price\":\"9.00\"}", "Content-Type", "application/json").statusCode());
      service.awaitQueueDrained("the newer version stored");
      double supersededBefore = service.http.meter("catalog_writes_superseded_total");

      HttpResponse<String> redriven = service.http.send("POST", "/admin/dlq/redrive", null);
      assertEquals(200, redriven.statusCode(), redriven.body());
      assertEquals(1, new JsonObject(redriven.body()).getInteger("products"));
      Poll.until(Duration.ofSeconds(30), "the redriven write settled",
          () -> service.messagesIn(queueUrl) == 0 && service.http.meter("catalog_writes_superseded_total")
              > supersededBefore);
      assertEquals(0, service.messagesIn(dlqUrl), "an older write is done, not dead-lettered again");
      JsonObject shown = new JsonObject(service.http.get("/products/sku/" + sku).body());
      assertEquals("Newer", shown.getString("name"));
      assertEquals("9.00", shown.getString("price"), "the redriven older patch changed nothing");
      assertEquals(9, shown.getLong("version"));
    }
  }
}
