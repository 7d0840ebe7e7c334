package io.asynccatalog.pipeline;

import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.versions.VersionClock;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A row as the release before versions wrote it in PostgreSQL (no stamps; the migration gave it revision 0): it reads
 * as its create, at its acceptance time, and can be patched and deleted like any product.
 */
class PostgresLegacyProductTest {
  @TempDir
  Path dir;

  @Test
  void aRowStoredBeforeVersionsExistedIsReadPatchedAndDeleted() throws Exception {
    try (RunningApp service = RunningApp.start("pglegacy", dir, RunningApp.onPostgres("pglegacy"))) {
      String id = ProductIds.next();
      Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(3600);
      service.app.stores().pool().preparedQuery("INSERT INTO products (id, name, price, currency, created_at, "
              + "stored_at, report_key) VALUES ($1, 'Legacy', 4.20, 'USD', $2, $2, $3)")
          .execute(Tuple.of(UUID.fromString(id), createdAt.atOffset(ZoneOffset.UTC), "reports/" + id + ".txt"))
          .await();
      JsonObject legacy = new JsonObject(service.http.get("/products/" + id).body());
      assertEquals("Legacy", legacy.getString("name"));
      assertEquals("4.20", legacy.getString("price"));
      assertEquals(VersionClock.microsOf(createdAt), legacy.getLong("version"), "its version is its acceptance time");

      assertEquals(202, service.http.send("PATCH", "/products/" + id, "{\"category\":\"Old stock\"}",
          "Content-Type", "application/merge-patch+json").statusCode());
      service.awaitQueueDrained("the patch stored");
      JsonObject patched = new JsonObject(service.http.get("/products/" + id).body());
      assertEquals("Legacy", patched.getString("name"));
      assertEquals("Old stock", patched.getString("category"));
      assertEquals(200, service.http.get("/products/" + id + "/report").statusCode(), "the new state's report");

      assertEquals(202, service.http.send("DELETE", "/products/" + id, null).statusCode());
      service.awaitQueueDrained("the delete stored");
      assertEquals(404, service.http.get("/products/" + id).statusCode());
    }
  }
}
