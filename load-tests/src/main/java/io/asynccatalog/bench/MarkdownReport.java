package io.asynccatalog.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Markdown tables of one run, from its JSON results alone, so that a result file can be rendered again:
 * {@code MarkdownReport results.json} prints them.
 */
public final class MarkdownReport {
  private final JsonObject results;
  private final JsonObject modes;
  private final JsonObject ceilings;

  private MarkdownReport(JsonObject results) {
    this.results = results;
    this.modes = results.getJsonObject("modes", new JsonObject());
    this.ceilings = results.getJsonObject("ceilings", new JsonObject());
  }

  public static void main(String[] args) throws java.io.IOException {
    System.out.print(of(new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of(args[0])))));
  }

  static String of(JsonObject results) {
    return new MarkdownReport(results).render();
  }

  private String render() {
    JsonObject settings = results.getJsonObject("settings");
    JsonObject raw = results.getJsonObject("raw");
    JsonObject ingest = results.getJsonObject("ingest");
    JsonObject vertx = results.getJsonObject("ingestVertx");
    StringBuilder md = new StringBuilder();
    md.append("AsyncCatalog benchmark, ").append(results.getString("date")).append(", ").append(results.getValue("cores"))
        .append(" cores, service ").append(settings.getString("heap")).append(' ').append(settings.getString("jvm"))
        .append(", load tool, service and local servers on one machine\n")
        .append("wrk -t2 -c").append(settings.getValue("connections")).append(", ").append(settings.getValue("seconds"))
        .append(" s per measured run after ").append(settings.getValue("warmRounds")).append(" warm-up rounds\n\n");
    md.append("| figure | value |\n|---|---|\n");
    md.append("| HTTP ceiling: raw Vert.x server, parse + 202 | ").append(num(raw.getValue("rps"))).append(" req/s, p50 ")
        .append(num(raw.getValue("p50Ms"))).append(" ms, p99 ").append(num(raw.getValue("p99Ms"))).append(" ms, ")
        .append(num(raw.getValue("cpuUs"))).append(" µs CPU/request |\n");
    md.append("| SQS ceiling: SendMessageBatch(10) | ").append(ceiling("sqs_send_batch_msgs_per_s")).append(" msg/s |\n");
    md.append("| SQS ceiling: ReceiveMessage(10) + DeleteMessageBatch | ")
        .append(ceiling("sqs_receive_delete_msgs_per_s")).append(" msg/s |\n");
    md.append("| DynamoDB ceiling: BatchWriteItem(25) / PutItem | ").append(ceiling("ddb_batch_write_items_per_s"))
        .append(" / ").append(ceiling("ddb_put_item_per_s")).append(" items/s |\n");
    md.append("| S3 ceiling: PutObject | ").append(ceiling("s3_put_object_per_s")).append(" objects/s |\n");
    md.append("| **ingest** (no consumers): POST→202 | **").append(num(ingest.getValue("rps"))).append(" req/s**, p50 ")
        .append(num(ingest.getValue("p50Ms"))).append(" ms, p99 ").append(num(ingest.getValue("p99Ms")))
        .append(" ms, non-202: ").append(ingest.getValue("non2xx")).append(" |\n");
    md.append("| ingest vs SQS batched-send ceiling | ")
        .append(ratio(ingest.getValue("rps"), ceilings.getValue("sqs_send_batch_msgs_per_s"))).append(" |\n");
    md.append("| ingest service CPU per product | **").append(num(ingest.getValue("cpuUs"))).append(" µs** (")
        .append(ratio(ingest.getValue("cpuUs"), raw.getValue("cpuUs"))).append("× the raw server; ")
        .append(ingest.getValue("jitPercent")).append(" % of it in the JIT compilers) |\n");
    md.append("| CPU per request at the same rate, ").append(results.getValue("halfIngestRate"))
        .append(" req/s (Gatling): service ingest / raw server | ").append(num(ingest.getValue("cpuSameRateUs")))
        .append(" µs / ").append(num(raw.getValue("cpuSameRateUs"))).append(" µs = ")
        .append(ratio(ingest.getValue("cpuSameRateUs"), raw.getValue("cpuSameRateUs"))).append("× |\n");
    md.append("| ingest peak RSS | ").append(ingest.getValue("rssMb")).append(" MB |\n");
    md.append("| ingest with the Vert.x transport (`CATALOG_AWS_HTTP_CLIENT=vertx`) | ")
        .append(num(vertx.getValue("rps"))).append(" req/s, p99 ").append(num(vertx.getValue("p99Ms")))
        .append(" ms, **").append(num(vertx.getValue("cpuUs"))).append(" µs** CPU per product (")
        .append(ratio(vertx.getValue("cpuUs"), raw.getValue("cpuUs"))).append("× the raw server) |\n");
    for (int i = 0; i < Modes.E2E_TABLES.size(); i++) {
      md.append('\n');
      if (i == 2) {
        md.append("The same modes with the two stores: DynamoDB (the local server) against PostgreSQL (a real "
            + "PostgreSQL, in the\nlocal servers' process tree, whose CPU counts with theirs). The local servers' "
            + "ceilings above are DynamoDB's.\n\n");
      }
      md.append(endToEndTable(Modes.E2E_TABLES.get(i), settings.getInteger("sustainSeconds")));
    }
    md.append('\n').append(writesTable());
    md.append("\nThe SDK's HTTP transports (`CATALOG_AWS_HTTP_CLIENT`) and the direct calls (`CATALOG_AWS_CALLS`), "
        + "service CPU per product against the targets").append(settings.getInteger("rounds", 1) > 1
        ? " (each mode measured once per round, the rounds in alternate order: one figure per round)" : "")
        .append(":\n\n").append(transportsTable());
    md.append("\nThe targets, from every measurement of the defaults in this run (the defaults and the defaults "
        + "again, every round):\n\n").append(targetsTable());
    md.append('\n').append(memoryTable());
    md.append('\n').append(halfRatesTable());
    failures(md);
    return md.toString();
  }

  private String endToEndTable(List<String> names, int sustainSeconds) {
    StringBuilder md = new StringBuilder("| end to end (stored/s over load + drain) |");
    StringBuilder sep = new StringBuilder("|---|");
    for (String name : names) {
      md.append(' ').append(label(name)).append(" |");
      sep.append("---|");
    }
    md.append('\n').append(sep).append('\n');
    row(md, names, "products stored per second", m -> "**" + num(m.getValue("rate")) + "**");
    row(md, names, "service CPU per product", m -> "**" + num(m.getValue("cpuUs")) + " µs**");
    row(md, names, "SQS requests (send + receive + delete) per product", m -> num(m.getValue("sqsRequestsPerProduct")));
    row(md, names, "S3 PUTs per product", m -> num(m.getValue("putsPerProduct")));
    row(md, names, "products per SQS message sent", m -> num(m.getValue("productsPerMessage")));
    row(md, names, "products per SQS send / receive / store group", m -> fill(m.getJsonArray("fill")));
    row(md, names, "accept→stored p50 / p99 (under saturation)",
        m -> ms(m.getValue("lagP50s")) + " / " + ms(m.getValue("lagP99s")) + " ms");
    row(md, names, "products accepted/s during the run (POST requests/s)",
        m -> num(m.getValue("ingestRate")) + " (" + num(m.getValue("postsPerSecond")) + ")");
    row(md, names, "cores used on average over load + drain: service / local servers",
        m -> num(m.getValue("coresService")) + " / " + num(m.getValue("coresServers")));
    row(md, names, "peak RSS", m -> num(m.getValue("rssMb")) + " MB");
    row(md, names, "emulator ceiling for the same calls (direct SDK pipeline: send, receive, store, delete; 16 in "
        + "flight)", m -> num(m.getValue("ceiling")));
    row(md, names, "vs that ceiling", m -> ratio(m.getValue("rate"), m.getValue("ceiling")));
    row(md, names, "stored/s while the POSTs come (the load window)", m -> num(m.getValue("loadRate")));
    row(md, names, "stored/s draining the backlog once the POSTs stop (consumers alone)",
        m -> "**" + num(m.getValue("drainRate")) + "**");
    row(md, names, "service CPU per product while draining (the consumer side alone)",
        m -> m.getValue("drainCpuUs") == null ? "- (no backlog)" : num(m.getValue("drainCpuUs")) + " µs");
    row(md, names, "drain ceiling: the same consumer calls on a queued backlog (direct SDK loop: receive, store, "
        + "delete)", m -> num(m.getValue("drainCeiling")));
    row(md, names, "draining vs that ceiling", m -> ratio(m.getValue("drainRate"), m.getValue("drainCeiling")));
    Object naiveRate = mode("naive").getValue("rate");
    row(md, names, "vs naive (stored/s)", m -> times(m.getValue("rate"), naiveRate));
    row(md, names, "**sustained**: the highest open-model rate kept up with, in products/s (every POST 202 with p99 "
        + "≤ 2 s, ≥ 95 % stored within the step, accept→stored p99 ≤ 2 s; steps of 1.2× from 40 % of the rate above, "
        + sustainSeconds + " s after 5 s, then one of 1.1×)", m -> "**" + num(sustained(m).getValue("rate")) + "**");
    row(md, names, "at that rate: POST p50 / p99", m -> num(sustained(m).getValue("postMs")) + " ms");
    row(md, names, "at that rate: accept→stored p50 / p99", m -> num(sustained(m).getValue("lagMs")) + " ms");
    row(md, names, "at that rate: service CPU per product", m -> num(sustained(m).getValue("cpuUs")) + " µs");
    row(md, names, "at that rate: cores used, service / local servers", m -> num(sustained(m).getValue("cores")));
    row(md, names, "sustained vs the pipeline ceiling",
        m -> ratio(sustained(m).getValue("rate"), m.getValue("ceiling")));
    Object naiveSustained = sustained(mode("naive")).getValue("rate");
    row(md, names, "sustained vs naive", m -> times(sustained(m).getValue("rate"), naiveSustained));
    row(md, names, "the first step not kept up with", m -> num(sustained(m).getValue("firstBehind")));
    return md.toString();
  }

  /** Versioned writes against the bulk creates of the same store. */
  private String writesTable() {
    StringBuilder md = new StringBuilder("| versioned writes (settled = stored or superseded) | writes settled/s "
        + "| service CPU per write | rate vs bulk creates, same store | CPU vs bulk creates, same store |\n"
        + "|---|---|---|---|---|\n");
    for (String name : Modes.WRITES) {
      JsonObject m = mode(name);
      if (m.getValue("rate") == null) {
        continue;
      }
      JsonObject base = mode(name.startsWith("postgres-") ? "postgres-bulk-batched" : "bulk-batched");
      md.append("| ").append(label(name)).append(" | ").append(num(m.getValue("rate"))).append(" | ")
          .append(num(m.getValue("cpuUs"))).append(" µs | ").append(ratio(m.getValue("rate"), base.getValue("rate")))
          .append(" | ").append(ratio(m.getValue("cpuUs"), base.getValue("cpuUs"))).append(" |\n");
    }
    return md.toString();
  }

  /** The target paths: the defaults against each variant, with each cell's ratio to the path's target. */
  private String transportsTable() {
    StringBuilder md = new StringBuilder("| path (target) | defaults (Vert.x, direct calls): products/s, CPU, RSS |");
    StringBuilder sep = new StringBuilder("|---|---|");
    for (Modes.Variant variant : Modes.VARIANTS) {
      md.append(' ').append(variant.column()).append(" |");
      sep.append("---|");
    }
    md.append('\n').append(sep).append('\n');
    for (Map.Entry<String, Integer> path : Modes.TARGET_PATHS.entrySet()) {
      md.append("| ").append(label(path.getKey())).append(" (≤ ").append(path.getValue()).append(" µs)");
      md.append(" | ").append(targetCell(mode(path.getKey()), path.getValue()));
      for (Modes.Variant variant : Modes.VARIANTS) {
        md.append(" | ").append(targetCell(mode(path.getKey() + "-" + variant.suffix()), path.getValue()));
      }
      md.append(" |\n");
    }
    return md.toString();
  }

  private static String targetCell(JsonObject m, int target) {
    if (m.getValue("rate") == null) {
      return "-";
    }
    List<JsonObject> runs = runs(m);
    StringBuilder cell = new StringBuilder(num(m.getValue("rate"))).append("/s, **");
    cell.append(String.join(" / ", runs.stream().map(r -> num(r.getValue("cpuUs"))).toList())).append(" µs** (");
    if (runs.size() > 1) {
      double mean = runs.stream().mapToDouble(r -> r.getDouble("cpuUs")).average().orElse(0);
      cell.append("mean ").append(String.format("%.1f", mean)).append(", ");
      cell.append(ratio(mean, target));
    } else {
      cell.append(ratio(m.getValue("cpuUs"), target));
    }
    cell.append("× the target; JIT ")
        .append(String.join(" / ", runs.stream().map(r -> String.valueOf(r.getValue("jitPercent"))).toList()))
        .append(" % of it), ").append(runs.stream().mapToLong(r -> r.getLong("rssMb", 0L)).max().orElse(0))
        .append(" MB");
    return cell.toString();
  }

  /** The measured runs of a mode: its first round's and its repeats' that did not fail. */
  private static List<JsonObject> runs(JsonObject m) {
    List<JsonObject> runs = new java.util.ArrayList<>();
    if (m.getValue("cpuUs") != null) {
      runs.add(m);
    }
    for (Object repeat : m.getJsonArray("repeats", new JsonArray())) {
      if (repeat instanceof JsonObject r && r.getValue("cpuUs") != null) {
        runs.add(r);
      }
    }
    return runs;
  }

  /**
   * Each target path's verdict from every measurement of the defaults: met where even the highest CPU is within the
   * target, missed by how much (at best and at worst) where even the lowest is not, and in how many otherwise.
   */
  private String targetsTable() {
    StringBuilder md = new StringBuilder("| path | target | the defaults' CPU per product, each measurement | "
        + "lowest / mean / highest | verdict | without the JIT compilers' CPU: each measurement, verdict "
        + "| peak RSS, and at the window's end (the bulk target: 384 MB) |\n"
        + "|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, Integer> path : Modes.TARGET_PATHS.entrySet()) {
      List<JsonObject> runs = new java.util.ArrayList<>(runs(mode(path.getKey())));
      runs.addAll(runs(mode(path.getKey() + "-again")));
      if (runs.isEmpty()) {
        continue;
      }
      double[] cpu = runs.stream().mapToDouble(r -> r.getDouble("cpuUs")).toArray();
      double low = java.util.Arrays.stream(cpu).min().orElse(0);
      double high = java.util.Arrays.stream(cpu).max().orElse(0);
      double mean = java.util.Arrays.stream(cpu).average().orElse(0);
      int target = path.getValue();
      long met = java.util.Arrays.stream(cpu).filter(c -> c <= target).count();
      String verdict = high <= target ? "**met** in every measurement (at worst " + ratio(high, target) + "×)"
          : low > target ? "**missed** by " + ratio(low, target) + "× at best, " + ratio(high, target) + "× at worst"
          : "met in " + met + " of " + cpu.length + " (" + ratio(low, target) + "× to " + ratio(high, target) + "×)";
      md.append("| ").append(label(path.getKey())).append(" | ≤ ").append(target).append(" µs | ")
          .append(String.join(", ", java.util.Arrays.stream(cpu).mapToObj(c -> num(c)).toList())).append(" | ")
          .append(num(low)).append(" / ").append(String.format("%.1f", mean)).append(" / ").append(num(high))
          .append(" | ").append(verdict).append(" | ").append(withoutJit(runs, target)).append(" | ")
          .append(String.join(", ", runs.stream().map(r -> num(r.getValue("rssMb"))
              + (r.getValue("rssEndMb") == null ? "" : " (" + num(r.getValue("rssEndMb")) + ")")).toList()))
          .append(" MB |\n");
    }
    return md.toString();
  }

  /** The CPU per product without the JIT compilers' threads, each measurement, and how many meet the target. */
  private static String withoutJit(List<JsonObject> runs, int target) {
    List<Double> cpu = runs.stream().filter(r -> r.getValue("cpuWithoutJitUs") != null)
        .map(r -> r.getDouble("cpuWithoutJitUs")).toList();
    if (cpu.isEmpty()) {
      return "-";
    }
    long met = cpu.stream().filter(c -> c <= target).count();
    return String.join(", ", cpu.stream().map(MarkdownReport::num).toList()) + " µs: met in " + met + " of "
        + cpu.size();
  }

  /** The bulk path's memory against the target of 384 MB, with each setting's CPU per product. */
  private String memoryTable() {
    StringBuilder md = new StringBuilder("| the bulk path's memory (target: RSS ≤ 384 MB) | products/s | service CPU "
        + "per product | peak RSS | RSS at the window's end |\n|---|---|---|---|---|\n");
    boolean any = false;
    for (String name : Modes.MEMORY) {
      for (JsonObject r : runs(mode(name))) {
        any = true;
        md.append("| ").append(label(name)).append(r.containsKey("round") && !r.getValue("round").equals(1)
                ? " (round " + r.getValue("round") + ")" : "").append(" | ").append(num(r.getValue("rate")))
            .append(" | ").append(num(r.getValue("cpuUs"))).append(" µs | ").append(num(r.getValue("rssMb")))
            .append(" MB | ").append(num(r.getValue("rssEndMb"))).append(" MB |\n");
      }
    }
    return any ? md.toString() : "";
  }

  private String halfRatesTable() {
    JsonObject halves = results.getJsonObject("halfRates", new JsonObject());
    JsonObject d = halves.getJsonObject("halfrate", new JsonObject());
    JsonObject o = halves.getJsonObject("halfrate-at-once", new JsonObject());
    return "| consumers on, Gatling open model, 20 s after a 5 s ramp | half the maximum ingest rate ("
        + num(results.getValue("halfIngestRate")) + " POST/s) | half the end-to-end rate ("
        + num(results.getValue("halfStoreRate")) + " POST/s) | the same, every call at once "
        + "(`CATALOG_ENQUEUE_IDLE_LINGER_MS=0 CATALOG_SAVE_LINGER_MS=0 CATALOG_RECEIVE_PAUSE_MS=0`) |\n"
        + "|---|---|---|---|\n"
        + "| POST p50 / p99 | " + num(d.getValue("ingestPostP50Ms")) + " / " + num(d.getValue("ingestPostP99Ms"))
        + " ms | " + num(d.getValue("storePostP50Ms")) + " / " + num(d.getValue("storePostP99Ms")) + " ms | "
        + num(o.getValue("storePostP50Ms")) + " / " + num(o.getValue("storePostP99Ms")) + " ms |\n"
        + "| accept→stored p50 / p99 | " + ms(d.getValue("ingestLagP50s")) + " / " + ms(d.getValue("ingestLagP99s"))
        + " ms | " + ms(d.getValue("storeLagP50s")) + " / " + ms(d.getValue("storeLagP99s")) + " ms | "
        + ms(o.getValue("storeLagP50s")) + " / " + ms(o.getValue("storeLagP99s")) + " ms |\n"
        + "| service CPU per stored product | | **" + num(d.getValue("storeCpuUs")) + " µs** | "
        + num(o.getValue("storeCpuUs")) + " µs |\n"
        + "| products per SQS send / receive / store | | " + fill(d.getJsonArray("storeFill")) + " | "
        + fill(o.getJsonArray("storeFill")) + " |\n"
        + "| peak RSS (both runs) | " + num(d.getValue("rssMb")) + " MB | | " + num(o.getValue("rssMb")) + " MB |\n";
  }

  private void failures(StringBuilder md) {
    boolean first = true;
    for (String name : modes.fieldNames()) {
      String failed = modes.getJsonObject(name).getString("failed");
      if (failed != null) {
        md.append(first ? "\nModes that failed (no figures):\n\n" : "").append("- ").append(name).append(": ")
            .append(failed).append('\n');
        first = false;
      }
    }
  }

  private void row(StringBuilder md, List<String> names, String label, Function<JsonObject, String> cell) {
    md.append("| ").append(label).append(" |");
    for (String name : names) {
      JsonObject m = mode(name);
      md.append(' ').append(m.getValue("rate") == null ? "-" : cell.apply(m)).append(" |");
    }
    md.append('\n');
  }

  private JsonObject mode(String name) {
    return modes.getJsonObject(name, new JsonObject());
  }

  private String label(String name) {
    String label = mode(name).getString("label");
    if (label != null) {
      return label;
    }
    return Modes.all(BenchSettings.fromEnvironment(Map.of("BENCH_BULK_SIZE",
            String.valueOf(results.getJsonObject("settings").getValue("bulkSize")))))
        .stream().filter(m -> m.name().equals(name)).map(Mode::label).findFirst().orElse(name);
  }

  private static JsonObject sustained(JsonObject m) {
    return m.getJsonObject("sustained", new JsonObject());
  }

  private String ceiling(String name) {
    return num(ceilings.getValue(name));
  }

  /** A figure as measured: whole numbers without a fraction, "-" where there is none. */
  static String num(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    return value.toString();
  }

  private static String fill(JsonArray fill) {
    if (fill == null) {
      return "-";
    }
    return num(fill.getValue(0)) + " / " + num(fill.getValue(1)) + " / " + num(fill.getValue(2));
  }

  private static String ms(Object seconds) {
    return seconds == null ? "-" : String.format("%.0f", ((Number) seconds).doubleValue() * 1000);
  }

  static String ratio(Object a, Object b) {
    if (!(a instanceof Number x) || !(b instanceof Number y) || y.doubleValue() <= 0) {
      return "-";
    }
    return String.format("%.2f", x.doubleValue() / y.doubleValue());
  }

  private static String times(Object a, Object b) {
    String r = ratio(a, b);
    return r.equals("-") ? "-" : r + "×";
  }
}
