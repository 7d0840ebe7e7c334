package io.asynccatalog.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The benchmark: on one machine, the local AWS-compatible servers as their own process and the service in AWS mode
 * against them; the surroundings' ceilings, a raw Vert.x server's, ingest alone, every end-to-end mode of
 * {@link Modes} that BENCH_MODES selects, and latency at half rates; results as JSON, and the Markdown tables and the
 * chart from that JSON, in load-tests/results/. Run from the repository root after a build (load-tests/bench.sh builds
 * and starts it); settings in {@link BenchSettings}. Load goes to 127.0.0.1 only, each run is bounded in time, and
 * every process started here is stopped by its PID.
 */
public final class Bench {
  static final int RAW_PORT = 18081;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final BenchSettings bench;
  private final Path work;
  private final Processes processes = new Processes();
  private final String serviceJar;
  private final Wrk wrk;
  private LocalServers servers;

  private Bench(BenchSettings bench, Path work) throws IOException {
    this.bench = bench;
    this.work = work;
    this.serviceJar = System.getenv().getOrDefault("SERVICE_JAR", "target/async-catalog-aws.jar");
    this.wrk = new Wrk(bench, work);
  }

  static void log(String message) {
    System.err.println("[bench " + LocalTime.now().format(CLOCK) + "] " + message);
  }

  public static void main(String[] args) throws Exception {
    BenchSettings settings = BenchSettings.fromEnvironment(System.getenv());
    Path work = Files.createTempDirectory("bench");
    Bench bench = new Bench(settings, work);
    try {
      JsonObject results = bench.run();
      String name = "bench-" + results.getString("date") + (settings.tag().isEmpty() ? "" : "-" + settings.tag());
      Path out = Files.createDirectories(Path.of("load-tests/results"));
      Files.writeString(out.resolve(name + ".json"), results.encodePrettily() + "\n");
      String markdown = MarkdownReport.of(results);
      Files.writeString(out.resolve(name + ".md"), markdown);
      System.out.println(markdown);
      // a chart of the modes this run measured, next to its results (docs/ shows the ones the docs quote)
      Chart.draw(results, out.resolve(name + ".png"));
      log("results: " + out.resolve(name + ".json") + ", .md and .png");
      if (settings.tag().isEmpty()) {
        Files.copy(out.resolve(name + ".png"), Path.of("docs/performance.png"), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      // the local servers stop before their data goes: PostgreSQL stops by its data directory's postmaster.pid
      bench.processes.stopAll();
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    System.exit(0);
  }

  private JsonObject run() throws IOException, InterruptedException {
    JsonObject results = new JsonObject().put("date", LocalDate.now(ZoneOffset.UTC).toString())
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("settings", new JsonObject().put("seconds", bench.seconds()).put("connections", bench.connections())
            .put("bulkConnections", bench.bulkConnections()).put("bulkSize", bench.bulkSize())
            .put("warmRounds", bench.warmRounds()).put("sustainSeconds", bench.sustainSeconds())
            .put("rounds", bench.rounds())
            .put("heap", bench.heap()).put("jvm", bench.jvm()).put("modes", new JsonArray(List.copyOf(bench.modes())))
            .put("baselineJar", bench.baselineJar()));
    log("starting the local AWS-compatible servers");
    servers = LocalServers.start(processes, work, "target/async-catalog.jar");

    log("emulator ceilings (direct SDK loops, 16 in flight, after " + bench.ceilingWarmRounds()
        + " warm-up rounds of every loop)");
    results.put("ceilings", ceilings());

    log("raw Vert.x server (HTTP ceiling)");
    List<String> raw = new ArrayList<>(List.of("java"));
    raw.addAll(BenchSettings.words(bench.heap()));
    raw.addAll(BenchSettings.words(bench.jvm()));
    raw.addAll(List.of("-cp", System.getProperty("java.class.path"), RawServer.class.getName(),
        Integer.toString(RAW_PORT)));
    Process rawServer = processes.start(raw, Map.of(), work.resolve("raw.log"));
    Processes.awaitPort(RAW_PORT, rawServer);
    for (int i = 0; i < bench.warmRounds(); i++) {
      wrk.run(RAW_PORT, Load.SINGLE);
    }
    long r0 = Proc.cpuTicks(rawServer.pid());
    Wrk.Result rawRun = wrk.run(RAW_PORT, Load.SINGLE);
    long r1 = Proc.cpuTicks(rawServer.pid());
    JsonObject rawResult = wrkFigures(rawRun).put("cpuUs", perRequest(r1 - r0, rawRun.requests()));
    // the raw server stays up: it is measured again below at the service's own request rate

    log("ingest only");
    List<String> ingestSettings = new ArrayList<>(List.of("CATALOG_CONSUMER_INSTANCES=0"));
    ingestSettings.addAll(Modes.PREVIOUS);
    Service ingest = Service.start(processes, bench, work, serviceJar, "ingest", ingestSettings);
    for (int i = 0; i < bench.warmRounds(); i++) {
      wrk.run(Service.PORT, Load.SINGLE);
    }
    long c0 = ingest.cpuTicks();
    long j0 = Proc.jitTicks(ingest.pid());
    Wrk.Result ingestRun = wrk.run(Service.PORT, Load.SINGLE);
    long c1 = ingest.cpuTicks();
    long j1 = Proc.jitTicks(ingest.pid());
    JsonObject ingestResult = wrkFigures(ingestRun).put("cpuUs", perRequest(c1 - c0, ingestRun.requests()))
        .put("jitPercent", c1 > c0 ? Math.round(100.0 * (j1 - j0) / (c1 - c0)) : 0)
        .put("rssMb", Proc.rssPeakMb(ingest.pid()));
    // wrk drives the raw server 50 times faster than SQS lets the service go, and per-request CPU falls as a server
    // gets busier (more work per wake-up and system call); so both are also measured at one and the same rate
    long half = (long) (ingestRun.rps() / 2);
    results.put("halfIngestRate", half);
    log("ingest and raw server at the same rate: " + half + " POST/s (Gatling)");
    ingestResult.put("cpuSameRateUs", gatlingCpu(ingest.pid(), Service.PORT, half, "ingest-same-rate"));
    ingest.stop();
    servers.dropQueues("ingest");
    rawResult.put("cpuSameRateUs", gatlingCpu(rawServer.pid(), RAW_PORT, half, "raw-same-rate"));
    processes.stop(rawServer);
    results.put("raw", rawResult).put("ingest", ingestResult);

    log("ingest only, the SDK's calls on Vert.x's HTTP client");
    ingestSettings.add("CATALOG_AWS_HTTP_CLIENT=vertx");
    Service ingestVertx = Service.start(processes, bench, work, serviceJar, "ingest-vertx", ingestSettings);
    for (int i = 0; i < bench.warmRounds(); i++) {
      wrk.run(Service.PORT, Load.SINGLE);
    }
    c0 = ingestVertx.cpuTicks();
    Wrk.Result vertxRun = wrk.run(Service.PORT, Load.SINGLE);
    c1 = ingestVertx.cpuTicks();
    results.put("ingestVertx", wrkFigures(vertxRun).put("cpuUs", perRequest(c1 - c0, vertxRun.requests())));
    ingestVertx.stop();
    servers.dropQueues("ingest-vertx");

    EndToEnd endToEnd = new EndToEnd(bench, work, processes, servers, wrk, serviceJar);
    JsonObject modes = new JsonObject();
    List<Mode> selected = new ArrayList<>(Modes.all(bench).stream().filter(m -> bench.runs(m.name())).toList());
    for (int round = 1; round <= bench.rounds(); round++) {
      if (round > 1) {
        // the reverse order: a mode measured late in one round is measured early in the next
        java.util.Collections.reverse(selected);
        log("round " + round + " of the end-to-end modes");
      }
      for (Mode mode : selected) {
        JsonObject result = measure(endToEnd, mode, results.getJsonObject("ceilings")).put("round", round);
        if (round == 1) {
          modes.put(mode.name(), result);
        } else {
          JsonObject first = modes.getJsonObject(mode.name());
          JsonArray repeats = first.getJsonArray("repeats", new JsonArray());
          first.put("repeats", repeats.add(result));
        }
      }
    }
    results.put("modes", modes);

    // latency at half the maximum ingest rate and at half the end-to-end rate (Gatling, open model): the defaults,
    // then every call at once, to show what waiting for fuller calls saves, and costs in latency, below saturation
    JsonObject perProduct = modes.getJsonObject("per-product");
    if (perProduct != null && perProduct.containsKey("rate")) {
      long storeHalf = perProduct.getLong("rate") / 2;
      results.put("halfStoreRate", storeHalf);
      results.put("halfRates", new JsonObject()
          .put("halfrate", halfRate("halfrate", List.of(), half, storeHalf))
          .put("halfrate-at-once", halfRate("halfrate-at-once", List.of("CATALOG_ENQUEUE_IDLE_LINGER_MS=0",
              "CATALOG_SAVE_LINGER_MS=0", "CATALOG_RECEIVE_PAUSE_MS=0"), half, storeHalf)));
    }
    return results;
  }

  /** One mode's figures, with its ceilings; a mode that fails leaves the others' figures and says why. */
  private static JsonObject measure(EndToEnd endToEnd, Mode mode, JsonObject ceilings) throws IOException,
      InterruptedException {
    try {
      JsonObject result = endToEnd.run(mode);
      if (mode.ceiling() != null) {
        result.put("ceiling", ceilings.getValue("pipeline_" + mode.ceiling() + "_per_s"))
            .put("drainCeiling", ceilings.getValue("drain_" + mode.ceiling() + "_per_s"));
      }
      return result;
    } catch (RuntimeException e) {
      // a service that does not start, a queue that does not drain
      log(mode.name() + " failed: " + e.getMessage());
      return new JsonObject().put("mode", mode.name()).put("label", mode.label())
          .put("failed", String.valueOf(e.getMessage()));
    }
  }

  /** The EmulatorCeiling figures, "name=value" per line. */
  private JsonObject ceilings() throws IOException, InterruptedException {
    Process ceiling = new ProcessBuilder(List.of("java", "-cp", System.getProperty("java.class.path"),
        EmulatorCeiling.class.getName(), LocalServers.url(LocalServers.SQS_PORT),
        LocalServers.url(LocalServers.DYNAMODB_PORT), LocalServers.url(LocalServers.S3_PORT),
        Integer.toString(bench.seconds()), Integer.toString(bench.ceilingWarmRounds())))
        .redirectError(work.resolve("ceiling.err").toFile()).start();
    String out = new String(ceiling.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ceiling.waitFor();
    JsonObject figures = new JsonObject();
    for (String line : out.split("\n")) {
      if (line.matches("[a-z0-9_]+=[0-9.]+")) {
        String[] kv = line.split("=");
        figures.put(kv[0], Double.parseDouble(kv[1]));
      }
    }
    return figures;
  }

  private JsonObject halfRate(String name, List<String> settings, long half, long storeHalf)
      throws IOException, InterruptedException {
    log(name + ": half the ingest rate, " + half + " POST/s for 20 s with consumers on, then half the end-to-end"
        + " rate, " + storeHalf + " POST/s");
    Service service = Service.start(processes, bench, work, serviceJar, name, settings);
    try {
      for (int i = 0; i < bench.warmRounds(); i++) {
        wrk.run(Service.PORT, Load.SINGLE);
        service.drain();
      }
      String lag = "catalog_products_accept_to_stored_seconds";
      Scrape h0 = service.scrape();
      Gatling.Result ingestHalf = Gatling.run(work, Service.PORT, half, "half-ingest-rate-" + name);
      service.drain();
      Scrape h1 = service.scrape();
      long c0 = service.cpuTicks();
      Gatling.Result storeHalfRun = Gatling.run(work, Service.PORT, storeHalf, "half-store-rate-" + name);
      service.drain();
      long c1 = service.cpuTicks();
      Scrape h2 = service.scrape();
      double stored = h2.sum("catalog_products_stored_total") - h1.sum("catalog_products_stored_total");
      return new JsonObject()
          .put("ingestPostP50Ms", ingestHalf.p50Ms()).put("ingestPostP99Ms", ingestHalf.p99Ms())
          .put("ingestLagP50s", EndToEnd.finite(h1.buckets(lag).quantileSince(h0.buckets(lag), 0.5)))
          .put("ingestLagP99s", EndToEnd.finite(h1.buckets(lag).quantileSince(h0.buckets(lag), 0.99)))
          .put("storePostP50Ms", storeHalfRun.p50Ms()).put("storePostP99Ms", storeHalfRun.p99Ms())
          .put("storeLagP50s", EndToEnd.finite(h2.buckets(lag).quantileSince(h1.buckets(lag), 0.5)))
          .put("storeLagP99s", EndToEnd.finite(h2.buckets(lag).quantileSince(h1.buckets(lag), 0.99)))
          .put("storeCpuUs", stored > 0 ? EndToEnd.round(Proc.seconds(c1 - c0) * 1e6 / stored, 1) : null)
          .put("storeFill", EndToEnd.fill(h1, h2))
          .put("rssMb", Proc.rssPeakMb(service.pid()))
          .put("gatlingReport", ingestHalf.report());
    } finally {
      service.stop();
    }
  }

  /** Service CPU µs per request over a Gatling run against a process. */
  private Double gatlingCpu(long pid, int port, long rate, String tag) throws IOException, InterruptedException {
    long c0 = Proc.cpuTicks(pid);
    Gatling.Result run = Gatling.run(work, port, rate, tag);
    long c1 = Proc.cpuTicks(pid);
    return run.requests() > 0 ? perRequest(c1 - c0, run.requests()) : null;
  }

  private static JsonObject wrkFigures(Wrk.Result run) {
    return new JsonObject().put("requests", run.requests()).put("rps", run.rps()).put("p50Ms", run.p50Ms())
        .put("p99Ms", run.p99Ms()).put("non2xx", run.non2xx());
  }

  private static double perRequest(long ticks, long requests) {
    return EndToEnd.round(Proc.seconds(ticks) * 1e6 / requests, 1);
  }
}
