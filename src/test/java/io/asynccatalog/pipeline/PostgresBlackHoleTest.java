package io.asynccatalog.pipeline;

import io.asynccatalog.testing.DelayProxy;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PostgreSQL's connections black-holed, as an RDS failover or a dropped NAT mapping leaves them: nothing answered,
 * nothing closed, for good. Calls fail at their deadline instead of hanging until the kernel gives up, the circuit
 * opens (intake goes on), and once new connections reach the database again the pool replaces the dead ones:
 * every product accepted before and during the outage is stored, once, and nothing is dead-lettered.
 */
class PostgresBlackHoleTest {
  @TempDir
  Path dir;

  @Test
  void blackHoledConnectionsAreReplacedAndNothingIsLost() throws Exception {
    String url = SharedLocalPostgres.newDatabase("pgblackhole");
    try (DelayProxy network = new DelayProxy(SharedLocalPostgres.port());
         RunningApp service = RunningApp.start("pgblackhole", dir, json -> json
             .put("CATALOG_STORE", "postgres")
             .put("CATALOG_POSTGRES_URL", url.replace(":" + SharedLocalPostgres.port() + "/", ":" + network.port() + "/"))
             .put("CATALOG_AWS_CALL_TIMEOUT_MS", 1000).put("CATALOG_SAVE_TIMEOUT_MS", 2000)
             .put("CATALOG_ENQUEUE_TIMEOUT_MS", 1000)
             .put("CATALOG_MAX_RECEIVE_COUNT", 2).put("CATALOG_BREAKER_RESET_MS", 500)
             .put("CATALOG_RETRY_BASE_SECONDS", 1).put("CATALOG_RETRY_MAX_SECONDS", 2))) {
      List<String> ids = new ArrayList<>(service.postProducts("Before " + UUID.randomUUID(), 50));
      Poll.until(Duration.ofSeconds(30), "the first products stored", () -> service.itemCount() == 50);

      network.blackHole(true);
      ids.addAll(service.postProducts("During " + UUID.randomUUID(), 100));
      Poll.until(Duration.ofSeconds(60), "the database seen down (calls failed at their deadline, not hanging)",
          () -> service.http.get("/health/ready").body().contains("\"id\":\"postgres\",\"status\":\"DOWN\""));
      ids.addAll(service.postProducts("Still during " + UUID.randomUUID(), 100));

      network.blackHole(false); // a new primary is up: new connections reach it, the black-holed ones stay dead
      try {
        Poll.until(Duration.ofSeconds(60), "every product stored and the queue drained",
            () -> service.messagesIn(service.resources().queueUrl()) == 0 && service.itemCount() >= ids.size());
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + ": rows=" + service.itemCount() + " of " + ids.size() + ", queue="
            + service.messagesIn(service.resources().queueUrl()), e);
      }
      int dlq = service.messagesIn(service.resources().dlqUrl());
      System.out.printf("[pgblackhole] products=%d rows=%d reports=%d dlq=%d%n", ids.size(), service.itemCount(),
          service.reportCount(), dlq);
      assertEquals(ids.size(), service.itemCount(), "every product stored, once");
      assertEquals(ids.size(), service.reportCount());
      assertEquals(0, dlq, "a database black hole spends no product's tries");
      assertEquals(200, service.http.get("/products/" + ids.get(ids.size() - 1)).statusCode());
    }
  }
}
