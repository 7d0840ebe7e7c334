package io.asynccatalog.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark program's reading of wrk and of the metrics, its modes, and the tables it writes from its JSON. */
class BenchProgramTest {
  private static final String WRK = """
      Running 5s test @ http://127.0.0.1:18080/products
        2 threads and 64 connections
        Thread Stats   Avg      Stdev     Max   +/- Stdev
          Latency    12.31ms    4.02ms  61.94ms   80.51%
          Req/Sec     2.61k   312.45     3.20k    71.00%
        Latency Distribution
           50%  812.00us
           75%   14.20ms
           90%   17.33ms
           99%    1.02s
        26035 requests in 5.01s, 2.01MB read
        Non-2xx or 3xx responses: 3
      Requests/sec:   5196.61
      Transfer/sec:    410.57KB
      """;

  @Test
  void readsWrkOutput() {
    Wrk.Result result = Wrk.parse(WRK);
    assertEquals(26035, result.requests());
    assertEquals(5196.61, result.rps(), 1e-9);
    assertEquals(0.812, result.p50Ms(), 1e-9);
    assertEquals(1020.0, result.p99Ms(), 1e-9);
    assertEquals(3, result.non2xx());
    assertEquals(90_000.0, Wrk.ms("1.50m"), 1e-9);
  }

  @Test
  void sumsLabelledSeriesAndTakesQuantilesOfWhatWasRecordedBetweenTwoScrapes() {
    Scrape before = Scrape.parse("""
        catalog_products_accepted_total{client="a"} 10.0
        catalog_products_accepted_total{client="b"} 5.0
        catalog_products_stored_total 12.0
        catalog_sqs_requests_total{call="send"} 3.0
        catalog_sqs_requests_total{call="create"} 100.0
        catalog_products_accept_to_stored_seconds_bucket{le="0.1"} 10.0
        catalog_products_accept_to_stored_seconds_bucket{le="1.0"} 12.0
        catalog_products_accept_to_stored_seconds_bucket{le="+Inf"} 12.0
        """);
    Scrape after = Scrape.parse("""
        catalog_products_accepted_total{client="a"} 110.0
        catalog_products_accepted_total{client="b"} 5.0
        catalog_products_stored_total 100.0
        catalog_writes_superseded_total 15.0
        catalog_sqs_requests_total{call="send"} 13.0
        catalog_sqs_requests_total{call="receive"} 7.0
        catalog_products_accept_to_stored_seconds_bucket{le="0.1"} 20.0
        catalog_products_accept_to_stored_seconds_bucket{le="1.0"} 100.0
        catalog_products_accept_to_stored_seconds_bucket{le="+Inf"} 112.0
        """);
    assertEquals(115.0, after.accepted());
    assertEquals(115.0, after.settled(), "stored and superseded writes are both settled");
    assertEquals(20.0, after.sqsRequests(), "send, receive and delete only");
    // since the first scrape: 10 below 0.1 s, 78 more below 1 s, 12 above: p50 is 1 s, p99 beyond the buckets
    Scrape.Buckets since = after.buckets("catalog_products_accept_to_stored_seconds");
    Scrape.Buckets earlier = before.buckets("catalog_products_accept_to_stored_seconds");
    assertEquals(1.0, since.quantileSince(earlier, 0.5));
    assertEquals(Double.POSITIVE_INFINITY, since.quantileSince(earlier, 0.99));
    assertEquals(0.0, earlier.quantileSince(earlier, 0.5), "nothing recorded: 0");
  }

  @Test
  void everyTargetPathHasEveryVariantAndNamesAreUnique() {
    BenchSettings bench = BenchSettings.fromEnvironment(Map.of("BENCH_BASELINE_JAR", "old.jar",
        "BENCH_BASELINE_SETTINGS", "CATALOG_AWS_HTTP_CLIENT=netty"));
    List<Mode> modes = Modes.all(bench);
    Set<String> names = new HashSet<>();
    for (Mode mode : modes) {
      assertTrue(names.add(mode.name()), "one mode per name: " + mode.name());
    }
    for (String path : Modes.TARGET_PATHS.keySet()) {
      for (Modes.Variant variant : Modes.VARIANTS) {
        Mode mode = modes.stream().filter(m -> m.name().equals(path + "-" + variant.suffix())).findFirst()
            .orElseThrow();
        assertTrue(mode.settings().containsAll(variant.settings()), mode.name());
      }
    }
    Mode baseline = modes.stream().filter(m -> m.name().equals("postgres-bulk-batched-baseline")).findFirst()
        .orElseThrow();
    assertTrue(baseline.baseline() && baseline.postgres());
    assertEquals("CATALOG_AWS_HTTP_CLIENT=netty", baseline.settings().get(baseline.settings().size() - 1),
        "the baseline's own settings come last, and win");
    assertTrue(modes.stream().filter(m -> m.name().equals("patches")).findFirst().orElseThrow().settings()
        .contains("CATALOG_TABLE_NAME=t-bulk-upserts"), "patches change the products the upserts wrote");
    assertTrue(Modes.all(BenchSettings.fromEnvironment(Map.of())).stream()
        .noneMatch(m -> m.name().contains("baseline")), "no baseline jar, no baseline modes");
  }

  @Test
  void theTargetsVerdictCountsEveryMeasurementOfTheDefaults() {
    JsonObject results = new JsonObject().put("date", "2026-12-05").put("cores", 2)
        .put("settings", new JsonObject().put("heap", "-Xmx256m").put("jvm", "-XX:+UseSerialGC")
            .put("connections", 64).put("seconds", 5).put("warmRounds", 3).put("sustainSeconds", 0)
            .put("bulkSize", 100).put("rounds", 2))
        .put("raw", new JsonObject()).put("ingest", new JsonObject()).put("ingestVertx", new JsonObject())
        .put("ceilings", new JsonObject())
        .put("modes", new JsonObject()
            .put("packed", run(1000, 190.0, 300).put("cpuWithoutJitUs", 150.0)
                .put("repeats", new JsonArray().add(run(900, 210.0, 310).put("cpuWithoutJitUs", 170.0))))
            .put("packed-batched", run(5000, 70.0, 280))
            .put("bulk-batched", run(20000, 25.0, 400).put("repeats", new JsonArray().add(run(21000, 28.0, 410))))
            .put("bulk-batched-again", run(20500, 29.5, 405)));
    String markdown = MarkdownReport.of(results);
    assertTrue(markdown.contains("| 190, 210 | 190 / 200.0 / 210 | met in 1 of 2 (0.95× to 1.05×) |"), markdown);
    assertTrue(markdown.contains("**missed** by 1.17× at best, 1.17× at worst"), markdown);
    assertTrue(markdown.contains("**met** in every measurement (at worst 0.98×) | - | 400, 410, 405 MB |"), markdown);
    assertTrue(markdown.contains("met in 1 of 2 (0.95× to 1.05×) | 150, 170 µs: met in 2 of 2 | 300, 310 MB |"),
        markdown);
    assertTrue(markdown.contains("1000/s, **190 / 210 µs** (mean 200.0, 1.00× the target"), markdown);
  }

  private static JsonObject run(long rate, double cpuUs, long rssMb) {
    return new JsonObject().put("rate", rate).put("cpuUs", cpuUs).put("rssMb", rssMb).put("jitPercent", 20);
  }
}
