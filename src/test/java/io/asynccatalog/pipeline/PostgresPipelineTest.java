package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-to-end checks with products and idempotency keys in PostgreSQL (a real server, shared by the test JVM). */
class PostgresPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("pgpipeline", dir, RunningApp.onPostgres("pgpipeline"));
  }

  @Override
  int products() {
    return 300;
  }

  @Override
  boolean listsInIdOrder() {
    return true;
  }

  @Test
  void thePoolsSizeUseAndWaitsAreOnTheMetricsUnderItsOwnName() {
    assertEquals(202, service().http.postJson("{\"name\":\"Pool\",\"price\":\"1.00\"}").statusCode());
    List<String> metrics = service().http.get("/metrics").body().lines().toList();
    String pool = "{pool_name=\"catalog-postgres\",pool_type=\"sql\"} ";
    assertEquals(16.0, value(metrics, "catalog_postgres_pool_size "), "the configured size");
    assertTrue(value(metrics, "vertx_pool_completed_total" + pool) > 0, "statements ran on the named pool");
    assertTrue(value(metrics, "vertx_pool_queue_time_seconds_count" + pool) > 0, "acquire times are recorded");
    assertTrue(value(metrics, "vertx_pool_queue_pending" + pool) >= 0, "waiting requests are exported");
    assertTrue(value(metrics, "vertx_pool_in_use" + pool) >= 0, "connections in use are exported");
  }

  private static double value(List<String> metrics, String prefix) {
    return metrics.stream().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim())).findFirst()
        .orElseThrow(() -> new AssertionError("no meter " + prefix.trim() + " on /metrics"));
  }
}
