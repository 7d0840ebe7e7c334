package io.asynccatalog.testing;

import io.asynccatalog.config.CatalogConfig;
import io.asynccatalog.config.ConfigLoader;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Configurations for tests: the shipped defaults, on a free port, with resource names no other test uses. */
public final class TestConfigs {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private TestConfigs() {}

  /** Defaults with a unique queue, table and bucket; short long polls so that stops are quick. */
  public static JsonObject isolated(String testName, Path dataDir) {
    String name = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String suffix = name.substring(0, Math.min(20, name.length())) + "-" + ProcessHandle.current().pid()
        + "-" + SEQUENCE.incrementAndGet();
    return ConfigLoader.defaults()
        .put("CATALOG_HTTP_HOST", "127.0.0.1")
        .put("CATALOG_HTTP_PORT", 0)
        .put("CATALOG_HTTP_INSTANCES", 2)
        .put("CATALOG_DATA_DIR", dataDir.toString())
        .put("CATALOG_PROVISION", "true")
        .put("CATALOG_QUEUE_NAME", "products-" + suffix)
        .put("CATALOG_DLQ_NAME", "products-dlq-" + suffix)
        .put("CATALOG_TABLE_NAME", "Products-" + suffix)
        .put("CATALOG_IDEMPOTENCY_TABLE_NAME", "Keys-" + suffix)
        .put("CATALOG_BUCKET_NAME", "reports-" + suffix)
        .put("CATALOG_SQS_WAIT_SECONDS", 1)
        .put("CATALOG_SHUTDOWN_GRACE_SECONDS", 5);
  }

  public static CatalogConfig config(JsonObject json) {
    return CatalogConfig.from(json);
  }
}
