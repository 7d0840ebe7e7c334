package io.asynccatalog.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One end-to-end mode at steady state: a service with the mode's settings, warmed up by rounds of load and drain,
 * then one measured round of closed-loop load and the drain after it. Service CPU per product counts the load and the
 * drain, so that it is the price of a product stored, whoever paid it when. Then, unless the mode's writes are
 * versioned or the run has no sustain seconds, the sustained search.
 */
final class EndToEnd {
  private static final String LAG = "catalog_products_accept_to_stored_seconds";
  private static final Pattern FIGURE = Pattern.compile("(\\w+)=([0-9.]+|-)");

  private final BenchSettings bench;
  private final Path work;
  private final Processes processes;
  private final LocalServers servers;
  private final Wrk wrk;
  private final String serviceJar;

  EndToEnd(BenchSettings bench, Path work, Processes processes, LocalServers servers, Wrk wrk, String serviceJar) {
    this.bench = bench;
    this.work = work;
    this.processes = processes;
    this.servers = servers;
    this.wrk = wrk;
    this.serviceJar = serviceJar;
  }

  JsonObject run(Mode mode) throws IOException, InterruptedException {
    Bench.log("end to end: " + mode.name() + " (" + mode.load().name().toLowerCase() + " POSTs)");
    List<String> settings = new ArrayList<>();
    if (mode.postgres()) {
      settings.add("CATALOG_STORE=postgres");
      settings.add("CATALOG_POSTGRES_URL=" + servers.createDatabase(mode.name()));
    }
    settings.addAll(mode.settings());
    String jar = mode.baseline() ? bench.baselineJar() : serviceJar;
    Service service = Service.start(processes, bench, work, jar, mode.name(), settings);
    try {
      for (int i = 0; i < bench.warmRounds(); i++) {
        wrk.run(Service.PORT, mode.load());
        service.drain();
      }
      Scrape before = service.scrape();
      long c0 = service.cpuTicks();
      long e0 = servers.ticks();
      long j0 = Proc.jitTicks(service.pid());
      long t0 = System.nanoTime();
      Wrk.Result load = wrk.run(Service.PORT, mode.load());
      // the POSTs stop here: from now on the consumers alone drain the backlog
      Scrape loaded = service.scrape();
      long cm = service.cpuTicks();
      long tm = System.nanoTime();
      double waited = service.drain();
      long t1 = System.nanoTime();
      long c1 = service.cpuTicks();
      long e1 = servers.ticks();
      long j1 = Proc.jitTicks(service.pid());
      long rssNow = Proc.rssMb(service.pid());
      Scrape after = service.scrape();

      double window = (t1 - t0) / 1e9;
      double loadWindow = (tm - t0) / 1e9;
      double drainWindow = (t1 - tm) / 1e9;
      long stored = (long) (after.settled() - before.settled());
      double storedDuringLoad = loaded.settled() - before.settled();
      double storedDuringDrain = after.settled() - loaded.settled();
      double packs = after.sum("catalog_enqueue_pack_size_count") - before.sum("catalog_enqueue_pack_size_count");
      JsonObject result = new JsonObject()
          .put("mode", mode.name()).put("label", mode.label()).put("load", mode.load().name().toLowerCase())
          .put("settings", new JsonArray(settings)).put("stored", stored)
          .put("rate", Math.round(stored / window))
          .put("cpuUs", round(Proc.seconds(c1 - c0) * 1e6 / stored, 1))
          // the JIT compilers' share of the window's CPU, after the warm-up rounds: what a service running for
          // hours no longer pays
          .put("jitPercent", c1 > c0 ? Math.round(100.0 * (j1 - j0) / (c1 - c0)) : 0)
          // the same without the JIT compilers' threads: nearer what a service running for hours pays
          .put("cpuWithoutJitUs", round(Proc.seconds(c1 - c0 - (j1 - j0)) * 1e6 / stored, 1))
          .put("loadRate", Math.round(storedDuringLoad / loadWindow))
          .put("drainRate", Math.round(storedDuringDrain / drainWindow))
          // packed modes may keep up during the load: then nothing is left to drain
          .put("drainCpuUs", storedDuringDrain > 0 ? round(Proc.seconds(c1 - cm) * 1e6 / storedDuringDrain, 1) : null)
          .put("lagP50s", finite(after.buckets(LAG).quantileSince(before.buckets(LAG), 0.5)))
          .put("lagP99s", finite(after.buckets(LAG).quantileSince(before.buckets(LAG), 0.99)))
          .put("rssMb", Proc.rssPeakMb(service.pid())).put("rssEndMb", rssNow)
          .put("ingestRate", Math.round((loaded.accepted() - before.accepted()) / loadWindow))
          .put("postsPerSecond", load.rps()).put("non2xx", load.non2xx())
          .put("sqsRequestsPerProduct", round((after.sqsRequests() - before.sqsRequests()) / stored, 4))
          .put("productsPerMessage", packs > 0 ? round((after.sum("catalog_enqueue_pack_size_sum")
              - before.sum("catalog_enqueue_pack_size_sum")) / packs, 1) : null)
          .put("putsPerProduct", round((after.sum("catalog_reports_objects_total")
              - before.sum("catalog_reports_objects_total")) / stored, 2))
          .put("fill", fill(before, after))
          // cores each process used on average over load + drain: which one takes the machine
          .put("coresService", round(Proc.seconds(c1 - c0) / window, 2))
          .put("coresServers", round(Proc.seconds(e1 - e0) / window, 2))
          .put("drainSeconds", round(waited, 2));
      Bench.log(mode.name() + ": " + stored + " stored, load " + bench.seconds() + " s + drain "
          + String.format("%.2f", waited) + " s");
      if (!mode.load().versioned() && bench.sustainSeconds() > 0) {
        result.put("sustained", sustained(service, mode, result.getLong("rate")));
      }
      return result;
    } finally {
      service.stop();
    }
  }

  /** Products per call since an earlier scrape: SQS send, SQS receive and store group. */
  static JsonArray fill(Scrape before, Scrape after) {
    return new JsonArray()
        .add(ratio(after, before, "catalog_enqueue_batch_size_sum", "catalog_enqueue_batch_size_count"))
        .add(ratio(after, before, "catalog_products_received_total", "catalog_receive_batch_size_count"))
        .add(ratio(after, before, "catalog_store_batch_size_sum", "catalog_store_batch_size_count"));
  }

  private static Double ratio(Scrape after, Scrape before, String sum, String count) {
    double n = after.sum(count) - before.sum(count);
    return n > 0 ? round((after.sum(sum) - before.sum(sum)) / n, 1) : null;
  }

  /**
   * Sustained end to end: what the pipeline keeps up with, as opposed to what it drains once the POSTs stop. An
   * open-model load (a fixed arrival rate; latencies from each request's intended start) in steps of 1.2x from 40 %
   * of the saturated rate, in the same warmed service; after the first step it does not keep up with, one step
   * halfway (1.1x the last one kept up with). A step is kept up with when every POST gets 202 with a p99 within 2 s,
   * at least 95 % of the products accepted during it are stored during it, and accept->stored p99 stays within 2 s.
   */
  private JsonObject sustained(Service service, Mode mode, long saturated) throws IOException, InterruptedException {
    long rate = (long) (saturated * 0.4);
    JsonObject kept = null;
    String behind = null;
    for (int i = 0; i < 12; i++) {
      JsonObject step = step(service, mode.load(), rate);
      Bench.log(mode.name() + " at " + rate + " products/s: " + (step.getBoolean("ok") ? "ok" : "behind")
          + " (stored " + step.getLong("stored") + " of " + step.getLong("accepted") + " accepted within the step,"
          + " POST p50/p99 " + step.getString("postMs") + " ms, lag " + step.getString("lagMs") + " ms)");
      if (step.getBoolean("ok")) {
        kept = step;
        if (behind != null) {
          break; // the step halfway was kept up with
        }
        rate = (long) (rate * 1.2);
      } else {
        boolean alreadyBehind = behind != null;
        behind = rate + " products/s: " + step.getLong("stored") + " of " + step.getLong("accepted")
            + " stored within the step, accept→stored p50/p99 " + step.getString("lagMs") + " ms";
        if (alreadyBehind || kept == null) {
          break;
        }
        rate = (long) (kept.getLong("rate") * 1.1); // one step halfway, then stop
      }
    }
    JsonObject sustained = kept == null ? new JsonObject() : kept.copy();
    sustained.remove("ok");
    return sustained.put("firstBehind", behind);
  }

  /** One open-model step at a rate of products per second. */
  private JsonObject step(Service service, Load load, long rate) throws IOException, InterruptedException {
    Scrape s0 = service.scrape();
    long c0 = service.cpuTicks();
    long e0 = servers.ticks();
    long t0 = System.nanoTime();
    List<String> command = new ArrayList<>(List.of("java", "-cp", System.getProperty("java.class.path"),
        OpenModelLoad.class.getName()));
    if (load.bulk) {
      command.addAll(List.of("http://127.0.0.1:" + Service.PORT + "/products/batch",
          String.format("%.2f", (double) rate / bench.bulkSize()), Integer.toString(bench.sustainSeconds()), "5",
          "64", Integer.toString(bench.bulkSize())));
    } else {
      command.addAll(List.of("http://127.0.0.1:" + Service.PORT + "/products", Long.toString(rate),
          Integer.toString(bench.sustainSeconds())));
    }
    Process client = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    client.waitFor();
    Bench.log("open model at " + rate + " products/s (" + load.name().toLowerCase() + "): " + out);
    Scrape s1 = service.scrape();
    long c1 = service.cpuTicks();
    long e1 = servers.ticks();
    long t1 = System.nanoTime();
    service.drain();
    Scrape s2 = service.scrape();
    long c2 = service.cpuTicks();

    java.util.Map<String, String> figures = new java.util.HashMap<>();
    Matcher m = FIGURE.matcher(out);
    while (m.find()) {
      figures.put(m.group(1), m.group(2));
    }
    long sent = parseLong(figures.get("sent"));
    long ok = parseLong(figures.get("accepted"));
    String p50 = figures.getOrDefault("p50_ms", "");
    String p99 = figures.getOrDefault("p99_ms", "");
    long accepted = (long) s1.accepted() - (long) s0.accepted();
    long stored = (long) s1.settled() - (long) s0.settled();
    long storedAfterDrain = (long) s2.settled() - (long) s0.settled();
    double lag50 = s2.buckets(LAG).quantileSince(s0.buckets(LAG), 0.5);
    double lag99 = s2.buckets(LAG).quantileSince(s0.buckets(LAG), 0.99);
    double window = (t1 - t0) / 1e9;
    boolean kept = sent > 0 && ok == sent && accepted > 0 && stored >= 0.95 * accepted && lag99 <= 2.0
        && parseDouble(p99) <= 2000;
    return new JsonObject().put("ok", kept).put("rate", rate).put("accepted", accepted).put("stored", stored)
        .put("postMs", p50 + "/" + p99)
        .put("lagMs", String.format("%.0f/%.0f", lag50 * 1000, lag99 * 1000))
        .put("cpuUs", storedAfterDrain > 0 ? round(Proc.seconds(c2 - c0) * 1e6 / storedAfterDrain, 1) : 0.0)
        .put("cores", String.format("%.2f/%.2f", Proc.seconds(c1 - c0) / window, Proc.seconds(e1 - e0) / window));
  }

  /** A quantile beyond the histogram's highest bound is +Inf, which JSON has no number for: null. */
  static Double finite(double value) {
    return Double.isInfinite(value) ? null : value;
  }

  static double round(double value, int digits) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return value;
    }
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  private static long parseLong(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static double parseDouble(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return 0; // "-": nothing answered, which the sent/accepted check already fails
    }
  }
}
