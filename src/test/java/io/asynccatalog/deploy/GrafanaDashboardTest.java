package io.asynccatalog.deploy;

import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/grafana/async-catalog.json: a well-formed Grafana dashboard (its JSON model: schema version, unique panel
 * ids, the data source a variable) whose every query names only metrics a running service exports.
 */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = Path.of("deploy/grafana/async-catalog.json");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> PROMQL = Set.of("sum", "max", "min", "avg", "count", "rate", "irate", "increase",
      "histogram_quantile", "by", "without", "on", "ignoring", "and", "or", "unless", "offset", "bool");

  @TempDir
  Path dir;

  private static JsonObject dashboard() throws Exception {
    return new JsonObject(Files.readString(DASHBOARD));
  }

  /** The metric names a PromQL expression reads: what is left once labels, ranges, functions and groupings go. */
  static Set<String> metricsOf(String expr) {
    String bare = expr.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
        .replaceAll("(by|without)\\s*\\([^)]*\\)", " ").replaceAll("\"[^\"]*\"", " ");
    Set<String> names = new HashSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String token = m.group();
      int after = m.end();
      while (after < bare.length() && bare.charAt(after) == ' ') {
        after++;
      }
      boolean function = after < bare.length() && bare.charAt(after) == '(';
      if (!function && !PROMQL.contains(token)) {
        names.add(token);
      }
    }
    return names;
  }

  @Test
  void theJsonModelIsGrafanasWithUniquePanelIdsAndADataSourceVariable() throws Exception {
    JsonObject dashboard = dashboard();
    assertTrue(dashboard.getInteger("schemaVersion") >= 36, "a current schema version");
    assertEquals("async-catalog", dashboard.getString("uid"));
    JsonArray variables = dashboard.getJsonObject("templating").getJsonArray("list");
    assertTrue(variables.stream().map(JsonObject.class::cast).anyMatch(v -> "datasource".equals(v.getString("type"))
        && "prometheus".equals(v.getString("query"))), "the data source is chosen on import, not fixed");
    Set<Integer> ids = new HashSet<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      assertTrue(ids.add(panel.getInteger("id")), "panel ids are unique: " + panel.getInteger("id"));
      assertEquals("${datasource}", panel.getJsonObject("datasource").getString("uid"), panel.getString("title"));
      JsonObject grid = panel.getJsonObject("gridPos");
      assertTrue(grid.getInteger("w") > 0 && grid.getInteger("h") > 0 && grid.getInteger("x") + grid.getInteger("w") <= 24);
      for (Object t : panel.getJsonArray("targets")) {
        assertEquals("${datasource}", ((JsonObject) t).getJsonObject("datasource").getString("uid"));
      }
    }
    assertTrue(ids.size() >= 10, "intake, latency, clients, queue, lag, store, batching, SQS, circuits, JVM");
  }

  @Test
  void everyMetricAPanelQueriesIsExportedByARunningService() throws Exception {
    Set<String> wanted = new TreeSet<>();
    for (Object p : dashboard().getJsonArray("panels")) {
      for (Object t : ((JsonObject) p).getJsonArray("targets")) {
        wanted.addAll(metricsOf(((JsonObject) t).getString("expr")));
      }
    }
    assertTrue(wanted.contains("catalog_products_accept_to_stored_seconds_bucket") && wanted.contains("jvm_memory_used_bytes"),
        "the parser finds the metrics: " + wanted);
    try (RunningApp service = RunningApp.start("grafana", dir, json -> json.put("CATALOG_AUTH", "off")
        .put("CATALOG_QUEUE_DEPTH_POLL_SECONDS", 1))) {
      // traffic through every stage, so that each meter has its first value
      String id = new JsonObject(service.http.postJson("{\"name\":\"Dashboard pen\",\"price\":1}").body()).getString("id");
      service.http.postBatch("{\"products\":[{\"name\":\"Dashboard pencil\",\"price\":2}]}");
      Poll.until(Duration.ofSeconds(30), "the product is stored", () -> service.http.get("/products/" + id).statusCode() == 200);
      Set<String> missing = new TreeSet<>();
      try {
        Poll.until(Duration.ofSeconds(30), "every metric of the dashboard is exported", () -> {
          System.gc(); // the GC pause timer exists from the first collection on
          Set<String> exported = exported(service.http.get("/metrics").body());
          missing.clear();
          wanted.stream().filter(name -> !exported.contains(name)).forEach(missing::add);
          return missing.isEmpty();
        });
      } catch (AssertionError timedOut) {
        throw new AssertionError("queried by the dashboard but not exported: " + missing, timedOut);
      }
    }
  }

  private static Set<String> exported(String metrics) {
    Set<String> names = new HashSet<>();
    metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }
}
