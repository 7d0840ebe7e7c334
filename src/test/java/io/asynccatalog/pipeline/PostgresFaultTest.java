package io.asynccatalog.pipeline;

import io.asynccatalog.local.LocalPostgresFactory;
import io.asynccatalog.store.postgres.LocalPostgres;
import io.asynccatalog.testing.Http;
import io.asynccatalog.testing.LoadClient;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL killed under load (SIGKILL to its postmaster, as an OOM kill or a crashed host would) and started again
 * on the same data: intake goes on (the products wait in SQS), consumers pause while its circuit is open, and once it
 * is back every accepted product is stored exactly once with its report; nothing reaches the dead-letter queue.
 */
class PostgresFaultTest {
  @TempDir
  Path dir;

  @Test
  void aDatabaseKilledUnderLoadLosesNothingAndDoublesNothing() throws Exception {
    Path pgData = dir.resolve("pg");
    int port = ServiceProcess.freePort();
    LocalPostgres database = new LocalPostgresFactory().start(pgData, port);
    try (LoadClient load = new LoadClient();
         RunningApp service = RunningApp.start("pgkill", dir, json -> json
             .put("CATALOG_STORE", "postgres")
             .put("CATALOG_POSTGRES_URL", "postgresql://postgres@127.0.0.1:" + port + "/" + LocalPostgres.DATABASE
                 + "?sslmode=disable")
             .put("CATALOG_VISIBILITY_TIMEOUT_SECONDS", 10)
             .put("CATALOG_AWS_CALL_TIMEOUT_MS", 3000)
             .put("CATALOG_BREAKER_RESET_MS", 1000)
             .put("CATALOG_RETRY_BASE_SECONDS", 1)
             .put("CATALOG_RETRY_MAX_SECONDS", 4))) {
      Http http = service.http;
      LoadClient.Run run = load.start(service.app.httpPort(), "pgkill", 3000, 16, 200);
      Poll.until(Duration.ofSeconds(60), "500 products accepted", () -> run.accepted.size() >= 500);
      long postmaster = Long.parseLong(Files.readAllLines(pgData.resolve("postgres").resolve("postmaster.pid")).get(0)
          .trim());
      ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
      int acceptedAtKill = run.accepted.size();
      Poll.until(Duration.ofSeconds(60), "the outage seen by readiness, while still ready", () -> {
        var ready = http.get("/health/ready");
        return ready.statusCode() == 200 && ready.body().contains("\"id\":\"postgres\",\"status\":\"DOWN\"");
      });
      Poll.until(Duration.ofSeconds(60), "300 more products accepted during the outage",
          () -> run.accepted.size() >= acceptedAtKill + 300);
      database.close();
      database = new LocalPostgresFactory().start(pgData, port);
      run.await(Duration.ofSeconds(120));

      try {
        Poll.until(Duration.ofSeconds(120), "every accepted product stored and the queue drained",
            () -> service.messagesIn(service.resources().queueUrl()) == 0 && service.itemCount() >= run.accepted.size());
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + ": queue=" + service.messagesIn(service.resources().queueUrl())
            + " dlq=" + service.messagesIn(service.resources().dlqUrl()) + " rows=" + service.itemCount()
            + " accepted=" + run.accepted.size() + " " + run.summary(), e);
      }
      Set<String> missing = new HashSet<>();
      for (Map.Entry<String, String> accepted : run.accepted.entrySet()) {
        var stored = service.stored(accepted.getKey());
        if (stored.isEmpty() || !stored.get().product().name().equals(accepted.getValue())) {
          missing.add(accepted.getKey());
        }
      }
      int rows = service.itemCount();
      int dlq = service.messagesIn(service.resources().dlqUrl());
      int reports = service.reportCount();
      System.out.printf("[pgkill] %s | accepted=%d rows=%d lost=%d doubled=%d reports=%d dlq=%d%n", run.summary(),
          run.accepted.size(), rows, missing.size(), rows - run.accepted.size(), reports, dlq);
      assertEquals(Set.of(), missing, "every accepted product stored");
      assertEquals(run.accepted.size(), rows, "no product stored twice, none without a 202");
      assertEquals(rows, reports, "one report per product");
      assertEquals(0, dlq, "nothing dead-lettered");
      assertEquals(0, run.unavailable.get() + run.otherStatus.get() + run.timeouts.get(),
          "intake does not depend on the database: " + run.summary());
      assertTrue(run.accepted.size() >= acceptedAtKill + 300);
    } finally {
      database.close();
    }
  }

}
