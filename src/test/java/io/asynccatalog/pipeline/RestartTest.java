package io.asynccatalog.pipeline;

import io.asynccatalog.CatalogApp;
import io.asynccatalog.testing.Http;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.TestConfigs;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Local mode with its own embedded servers on one data directory: a queued message, a stored product and its
 * report all survive a stop and start, with either store (with PostgreSQL, the service starts its own server under
 * the data directory).
 */
class RestartTest {
  @TempDir
  Path dataDir;

  private JsonObject config;

  /** The same names and data directory for every run; only the consumer count changes. */
  private JsonObject localMode(String store, int consumers) {
    if (config == null) {
      config = TestConfigs.isolated("restart", dataDir).put("CATALOG_MODE", "local").put("CATALOG_STORE", store);
    }
    return config.copy().put("CATALOG_CONSUMER_INSTANCES", consumers);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dynamodb", "postgres"})
  void queuedAndStoredProductsSurviveARestart(String store) throws Exception {
    String queued;
    // first run: no consumers, so the product stays in the queue when the service stops
    try (CatalogApp first = CatalogApp.start(TestConfigs.config(localMode(store, 0)), null)) {
      queued = id(new Http(first.httpPort()).postJson("{\"name\":\"Queued\",\"price\":\"2.00\"}").body());
    }
    // second run: the queued message is still there and gets stored
    try (CatalogApp second = CatalogApp.start(TestConfigs.config(localMode(store, 1)), null)) {
      Http http = new Http(second.httpPort());
      Poll.until(Duration.ofSeconds(30), "the queued product to be stored",
          () -> http.get("/products/" + queued + "/report").statusCode() == 200);
    }
    // third run: table and bucket kept it
    try (CatalogApp third = CatalogApp.start(TestConfigs.config(localMode(store, 1)), null)) {
      Http http = new Http(third.httpPort());
      var product = http.get("/products/" + queued);
      assertEquals(200, product.statusCode(), product.body());
      assertEquals("2.00", new JsonObject(product.body()).getString("price"));
      assertTrue(http.get("/products/" + queued + "/report").body().contains("name: Queued"));
    }
  }

  private static String id(String body) {
    return new JsonObject(body).getString("id");
  }
}
