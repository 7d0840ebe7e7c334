package io.asynccatalog.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every end-to-end mode of the benchmark, in the order it runs them, and the groups its tables show side by side.
 * A new mode or transport is one entry here.
 */
final class Modes {
  /** The settings of the modes measured before bulk requests and packing existed: one product per message. */
  static final List<String> PREVIOUS = List.of("CATALOG_PACKING=false", "CATALOG_SAVE_BATCH=25",
      "CATALOG_CONSUMER_MAX_IN_FLIGHT=200", "CATALOG_DELETE_LINGER_MS=0");

  /** The three paths of the price-per-call targets, with their targets in µs of service CPU per product. */
  static final Map<String, Integer> TARGET_PATHS = orderedTargets();

  /** A variant of the three target paths: a suffix of the mode's name, its column and its settings. */
  record Variant(String suffix, String column, List<String> settings) {}

  /** The defaults (Vert.x transport, direct calls) against every call through the SDK on each of its transports. */
  static final List<Variant> VARIANTS = List.of(
      new Variant("sdk", "every call through the SDK (Vert.x)", List.of("CATALOG_AWS_CALLS=sdk")),
      new Variant("netty", "the SDK on its Netty client",
          List.of("CATALOG_AWS_HTTP_CLIENT=netty", "CATALOG_AWS_CALLS=sdk")),
      new Variant("crt", "the SDK on CRT", List.of("CATALOG_AWS_HTTP_CLIENT=crt", "CATALOG_AWS_CALLS=sdk")),
      // the defaults again after every variant, to show how far the order of the run moves a figure
      new Variant("again", "the defaults again, after the variants", List.of()));

  private Modes() {}

  static List<Mode> all(BenchSettings bench) {
    int n = bench.bulkSize();
    List<Mode> modes = new ArrayList<>();
    // the modes measured before bulk requests and packing, with their settings, so that the gains show in one run
    modes.add(new Mode("per-product", "per-product reports, one product per message (before)", Load.SINGLE,
        PREVIOUS, "per_product"));
    modes.add(new Mode("batched-reports", "batched reports, one product per message (before)", Load.SINGLE,
        with(PREVIOUS, "CATALOG_REPORT_MODE=batched"), "batched"));
    modes.add(new Mode("naive", "naive (no batching)", Load.SINGLE, List.of("CATALOG_BATCHING=false"), "naive"));
    modes.add(new Mode("per-product-vertx", "per-product, Vert.x transport (before)", Load.SINGLE,
        with(PREVIOUS, "CATALOG_AWS_HTTP_CLIENT=vertx"), "per_product"));
    modes.add(new Mode("batched-vertx", "batched, Vert.x transport (before)", Load.SINGLE,
        with(PREVIOUS, "CATALOG_REPORT_MODE=batched", "CATALOG_AWS_HTTP_CLIENT=vertx"), "batched"));
    // today's defaults: single POSTs packed, and bulk requests, each with per-product and batched reports
    List<Mode> defaults = List.of(
        new Mode("packed", "single POSTs, packed, per-product reports", Load.SINGLE, List.of(), "packed"),
        new Mode("packed-batched", "single POSTs, packed, batched reports", Load.SINGLE,
            List.of("CATALOG_REPORT_MODE=batched"), "packed_batched"),
        new Mode("bulk", "bulk of " + n + ", packed, per-product reports", Load.BULK, List.of(), "packed"),
        new Mode("bulk-batched", "bulk of " + n + ", packed, batched reports", Load.BULK,
            List.of("CATALOG_REPORT_MODE=batched"), "packed_batched"));
    modes.addAll(defaults);
    for (Variant variant : VARIANTS) {
      for (Mode path : defaults) {
        if (TARGET_PATHS.containsKey(path.name())) {
          modes.add(new Mode(path.name() + "-" + variant.suffix(), path.label() + ", " + variant.column(),
              path.load(), concat(path.settings(), variant.settings()), null));
        }
      }
    }
    // the bulk path's resident memory: glibc's malloc arenas capped at two, then also a smaller heap
    modes.add(new Mode("bulk-batched-arena2", defaults.get(3).label() + ", MALLOC_ARENA_MAX=2", Load.BULK,
        List.of("CATALOG_REPORT_MODE=batched", "MALLOC_ARENA_MAX=2"), null));
    modes.add(new Mode("bulk-batched-xmx208", defaults.get(3).label() + ", MALLOC_ARENA_MAX=2 and -Xmx208m",
        Load.BULK, List.of("CATALOG_REPORT_MODE=batched", "MALLOC_ARENA_MAX=2", "-Xmx208m"), null));
    // the bulk path's resident memory at -Xmx256m with a small initial heap, so that the heap grows to what the path
    // needs: on a machine of more than 16 GB the JVM starts at 1/64 of it, that is at -Xmx, and the tenured space
    // fills with promoted garbage up to its whole size before a full collection touches every page of it
    modes.add(new Mode("bulk-batched-xms32", defaults.get(3).label() + ", -Xms32m", Load.BULK,
        List.of("CATALOG_REPORT_MODE=batched", "-Xms32m"), null));
    modes.add(new Mode("bulk-batched-young64", defaults.get(3).label() + ", -Xms96m -Xmn64m", Load.BULK,
        List.of("CATALOG_REPORT_MODE=batched", "-Xms96m", "-Xmn64m"), null));
    // batched reports with fuller store groups: a partial group waits up to 100 ms for more received messages
    modes.add(new Mode("packed-batched-linger100", defaults.get(1).label() + ", CATALOG_SAVE_LINGER_MS=100",
        Load.SINGLE, List.of("CATALOG_REPORT_MODE=batched", "CATALOG_SAVE_LINGER_MS=100"), null));
    // batched reports and the number of ReceiveMessage calls (the SDK's receive was 7 % of this path's CPU in a
    // profile): two pollers instead of four, and the pause after a part-full receive at its earlier default of 100 ms
    modes.add(new Mode("packed-batched-pollers2", defaults.get(1).label() + ", CATALOG_CONSUMER_POLLERS=2",
        Load.SINGLE, List.of("CATALOG_REPORT_MODE=batched", "CATALOG_CONSUMER_POLLERS=2"), null));
    modes.add(new Mode("packed-batched-pause100", defaults.get(1).label() + ", CATALOG_RECEIVE_PAUSE_MS=100",
        Load.SINGLE, List.of("CATALOG_REPORT_MODE=batched", "CATALOG_RECEIVE_PAUSE_MS=100"), null));
    Mode baseline = new Mode("bulk-batched-baseline", "bulk of " + n + ", batched reports: the baseline jar",
        Load.BULK, List.of("CATALOG_REPORT_MODE=batched"), null, false, true).withSettings(bench.baselineSettings());
    if (bench.baselineJar() != null) {
      modes.add(baseline);
    }
    // the version fence as a conditional PutItem per product instead of PartiQL statements
    modes.add(new Mode("bulk-batched-put-item", "bulk of " + n + ", batched reports, a conditional PutItem per product",
        Load.BULK, List.of("CATALOG_REPORT_MODE=batched", "CATALOG_DYNAMODB_WRITES=put-item"), null));
    // versioned writes: bulk upserts by sku, then single merge patches of the products they wrote
    Mode upserts = new Mode("bulk-upserts", "bulk upserts by sku, " + n
        + " per request (a fifth to 100 hot skus), batched reports", Load.UPSERT,
        List.of("CATALOG_REPORT_MODE=batched"), null);
    Mode patches = new Mode("patches", "single merge patches by sku, batched reports", Load.PATCH,
        List.of("CATALOG_REPORT_MODE=batched", "CATALOG_TABLE_NAME=t-bulk-upserts",
            "CATALOG_BUCKET_NAME=r-bulk-upserts"), null);
    modes.add(upserts);
    modes.add(new Mode("bulk-upserts-put-item", "bulk upserts by sku, as above, a conditional PutItem per product",
        Load.UPSERT, List.of("CATALOG_REPORT_MODE=batched", "CATALOG_DYNAMODB_WRITES=put-item"), null));
    modes.add(patches);
    modes.add(new Mode("bulk-upserts-sdk", "bulk upserts by sku, as above, every call through the SDK", Load.UPSERT,
        List.of("CATALOG_REPORT_MODE=batched", "CATALOG_AWS_CALLS=sdk"), null));
    modes.add(new Mode("patches-sdk", "single merge patches by sku, every call through the SDK", Load.PATCH,
        List.of("CATALOG_REPORT_MODE=batched", "CATALOG_TABLE_NAME=t-bulk-upserts-sdk",
            "CATALOG_BUCKET_NAME=r-bulk-upserts-sdk", "CATALOG_AWS_CALLS=sdk"), null));
    // the same on PostgreSQL (the local server; a database per mode)
    modes.add(defaults.get(0).onPostgres());
    modes.add(defaults.get(1).onPostgres());
    modes.add(new Mode("bulk", "bulk of " + n + ", per-product reports", Load.BULK, List.of(), null).onPostgres());
    modes.add(new Mode("bulk-batched", "bulk of " + n + ", batched reports", Load.BULK,
        List.of("CATALOG_REPORT_MODE=batched"), null).onPostgres());
    if (bench.baselineJar() != null) {
      modes.add(baseline.onPostgres());
    }
    modes.add(new Mode("bulk-upserts", "bulk upserts by sku, " + n + " per request, batched reports", Load.UPSERT,
        upserts.settings(), null).onPostgres());
    modes.add(new Mode("patches", patches.label(), Load.PATCH, List.of("CATALOG_REPORT_MODE=batched",
        "CATALOG_POSTGRES_URL=" + LocalServers.postgresUrl("bench_postgres_bulk_upserts"),
        "CATALOG_BUCKET_NAME=r-postgres-bulk-upserts"), null).onPostgres());
    return modes;
  }

  /** The per-mode end-to-end tables: the modes each shows side by side. */
  static final List<List<String>> E2E_TABLES = List.of(
      List.of("per-product", "batched-reports", "naive", "packed", "packed-batched", "bulk", "bulk-batched"),
      List.of("per-product-vertx", "batched-vertx"),
      List.of("packed", "packed-batched", "bulk", "bulk-batched", "postgres-packed", "postgres-packed-batched",
          "postgres-bulk", "postgres-bulk-batched"));

  /** The bulk path's memory: the defaults against the settings that lower its resident memory. */
  static final List<String> MEMORY = List.of("bulk-batched", "bulk-batched-again", "bulk-batched-arena2",
      "bulk-batched-xmx208", "bulk-batched-xms32", "bulk-batched-young64");

  /** The versioned writes' table, each against the bulk creates of the same store. */
  static final List<String> WRITES = List.of("bulk-batched-baseline", "bulk-batched-put-item", "bulk-upserts",
      "bulk-upserts-put-item", "bulk-upserts-sdk", "patches", "patches-sdk", "postgres-bulk-batched-baseline",
      "postgres-bulk-upserts", "postgres-patches");

  private static Map<String, Integer> orderedTargets() {
    Map<String, Integer> targets = new java.util.LinkedHashMap<>();
    targets.put("packed", 200);
    targets.put("packed-batched", 60);
    targets.put("bulk-batched", 30);
    return java.util.Collections.unmodifiableMap(targets);
  }

  private static List<String> with(List<String> settings, String... more) {
    return concat(settings, List.of(more));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }
}
