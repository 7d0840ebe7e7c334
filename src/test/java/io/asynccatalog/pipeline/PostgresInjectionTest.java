package io.asynccatalog.pipeline;

import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SQL in every field, in the id path and in the cursor: stored and read back verbatim, or refused as invalid, never
 * executed (statements are prepared, values travel as parameters).
 */
class PostgresInjectionTest {
  private static final List<String> ATTACKS = List.of(
      "'); DROP TABLE products; --",
      "x' OR '1'='1",
      "$1::text); DELETE FROM idempotency_keys; --",
      "\\'; SELECT pg_sleep(10); --",
      "Robert\"); TRUNCATE products CASCADE;--",
      "é💥\\\\ \" ' ; -- /* */");

  @TempDir
  Path dir;

  @Test
  void sqlInFieldsIdsAndCursorsIsDataNeverCode() throws Exception {
    try (RunningApp service = RunningApp.start("pginjection", dir, RunningApp.onPostgres("pginjection"))) {
      for (int i = 0; i < ATTACKS.size(); i++) {
        String attack = ATTACKS.get(i);
        JsonObject product = new JsonObject().put("name", attack).put("description", attack).put("price", "1.00")
            .put("sku", attack.length() > 64 ? attack.substring(0, 64) : attack).put("category", "c" + i);
        HttpResponse<String> accepted = service.http.postJson(product.encode(), "Idempotency-Key", "k" + i + "'--");
        assertEquals(202, accepted.statusCode(), accepted.body());
        String id = new JsonObject(accepted.body()).getString("id");
        Poll.until(Duration.ofSeconds(30), "stored", () -> service.http.get("/products/" + id).statusCode() == 200);
        JsonObject stored = new JsonObject(service.http.get("/products/" + id).body());
        assertEquals(attack, stored.getString("name"), "verbatim");
        assertEquals(attack, stored.getString("description"), "verbatim");
        assertEquals(product.getString("sku"), stored.getString("sku"), "verbatim");
      }
      for (String attack : ATTACKS) {
        String path = "/products/" + URLEncoder.encode(attack, StandardCharsets.UTF_8).replace("+", "%20");
        assertEquals(400, service.http.get(path).statusCode(), "not a product id: " + attack);
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(("p1:" + attack)
            .getBytes(StandardCharsets.UTF_8));
        assertEquals(400, service.http.get("/products?cursor=" + cursor).statusCode(), "forged cursor: " + attack);
      }
      assertEquals(ATTACKS.size(), service.itemCount(), "the table is there, with every product in it");
      HttpResponse<String> page = service.http.get("/products?limit=100");
      assertEquals(ATTACKS.size(), new JsonObject(page.body()).getJsonArray("items").size(), page.body());
    }
  }
}
