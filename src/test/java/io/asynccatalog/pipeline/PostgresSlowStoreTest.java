package io.asynccatalog.pipeline;

import io.asynccatalog.testing.DelayProxy;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalPostgres;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL answering more slowly than the visibility timeout, through a proxy that holds every answer back: the
 * consumer extends the visibility of the group it is storing, so each product is written once; reads wait a bounded
 * time and the service's event loops stay free (a health check answers at once meanwhile).
 */
class PostgresSlowStoreTest {
  private static final int VISIBILITY_SECONDS = 2;
  private static final long DELAY_MS = 5000;

  @TempDir
  Path dir;

  @Test
  void aSlowDatabaseIsWaitedForBoundedlyAndNothingIsWrittenTwice() throws Exception {
    String url = SharedLocalPostgres.newDatabase("pgslow");
    try (DelayProxy slow = new DelayProxy(SharedLocalPostgres.port());
         RunningApp service = RunningApp.start("pgslow", dir, json -> json
             .put("CATALOG_STORE", "postgres")
             .put("CATALOG_POSTGRES_URL", url.replace(":" + SharedLocalPostgres.port() + "/", ":" + slow.port() + "/"))
             .put("CATALOG_VISIBILITY_TIMEOUT_SECONDS", VISIBILITY_SECONDS)
             .put("CATALOG_AWS_CALL_TIMEOUT_MS", 15_000)
             .put("CATALOG_SAVE_TIMEOUT_MS", 30_000))) {
      slow.delay(DELAY_MS);
      List<String> ids = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String name = "Slow " + UUID.randomUUID();
        slow.watch(name); // the name travels verbatim in the statement's parameters
        names.add(name);
        ids.add(new JsonObject(service.http.postJson("{\"name\":\"" + name + "\",\"price\":1}").body()).getString("id"));
      }
      long started = System.nanoTime();
      assertEquals(200, service.http.get("/health/live").statusCode());
      long liveMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(liveMs < 1000, "the event loops are free while statements wait: /health/live took " + liveMs + " ms");
      Poll.until(Duration.ofSeconds(90), "the slow writes to finish and the queue to drain",
          () -> service.messagesIn(service.resources().queueUrl()) == 0);
      assertEquals(ids.size(), service.itemCount(), "every product stored, once");
      for (String name : names) {
        assertEquals(1, slow.count(name), "one write of " + name + " although each took " + DELAY_MS
            + " ms, over the " + VISIBILITY_SECONDS + " s visibility timeout");
      }
      System.out.printf("[pgslow] %d products, PostgreSQL delayed %d ms, visibility %d s: writes per product = 1,"
          + " /health/live meanwhile in %d ms%n", ids.size(), DELAY_MS, VISIBILITY_SECONDS, liveMs);
    }
  }
}
