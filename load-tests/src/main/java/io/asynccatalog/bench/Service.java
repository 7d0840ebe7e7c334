package io.asynccatalog.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The service under test: its AWS jar in AWS mode against the local servers, one queue, table and bucket per run. */
final class Service {
  static final int PORT = 18080;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Processes processes;
  private final Process process;
  final String name;

  private Service(Processes processes, Process process, String name) {
    this.processes = processes;
    this.process = process;
    this.name = name;
  }

  long pid() {
    return process.pid();
  }

  /** Starts it with these settings after the run's own (later ones win) and waits until it is ready. */
  static Service start(Processes processes, BenchSettings bench, Path work, String jar, String name,
                       List<String> settings) throws IOException, InterruptedException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CATALOG_MODE", "aws");
    env.put("CATALOG_PROVISION", "true");
    env.put("CATALOG_AUTH", "off");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "bench");
    env.put("AWS_SECRET_ACCESS_KEY", "bench");
    env.put("AWS_ENDPOINT_URL_SQS", LocalServers.url(LocalServers.SQS_PORT));
    env.put("AWS_ENDPOINT_URL_DYNAMODB", LocalServers.url(LocalServers.DYNAMODB_PORT));
    env.put("AWS_ENDPOINT_URL_S3", LocalServers.url(LocalServers.S3_PORT));
    env.put("CATALOG_HTTP_HOST", "127.0.0.1");
    env.put("CATALOG_HTTP_PORT", Integer.toString(PORT));
    env.put("CATALOG_QUEUE_NAME", "q-" + name);
    env.put("CATALOG_DLQ_NAME", "q-" + name + "-dlq");
    env.put("CATALOG_TABLE_NAME", "t-" + name);
    env.put("CATALOG_IDEMPOTENCY_TABLE_NAME", "t-" + name + "-keys");
    env.put("CATALOG_BUCKET_NAME", "r-" + name);
    env.put("CATALOG_LOG_LEVEL", "WARN");
    List<String> jvmOptions = new ArrayList<>();
    for (String setting : settings) {
      if (setting.startsWith("-")) { // a JVM option of this mode's, after the run's (the last of a kind wins)
        jvmOptions.add(setting);
        continue;
      }
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("a setting is KEY=VALUE, not " + setting);
      }
      env.put(setting.substring(0, eq), setting.substring(eq + 1));
    }
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(BenchSettings.words(bench.heap()));
    command.addAll(BenchSettings.words(bench.jvm()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar));
    Path log = work.resolve("service-" + name + ".log");
    Process process = processes.start(command, env, log);
    Processes.awaitPort(PORT, process);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!ready()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("service " + name + " not ready:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return new Service(processes, process, name);
  }

  void stop() throws InterruptedException {
    processes.stop(process);
    Processes.awaitClosed(PORT);
  }

  Scrape scrape() {
    return Scrape.of(PORT);
  }

  long cpuTicks() {
    return Proc.cpuTicks(pid());
  }

  private static boolean ready() {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits until every accepted product is settled (deadline 300 s); the seconds it took. One scrape per half second:
   * two scrapes every 0.1 s took 4 % of the service's CPU in a profile of an end-to-end run.
   */
  double drain() throws InterruptedException {
    long start = System.nanoTime();
    for (int i = 0; i < 600; i++) {
      Scrape scrape = scrape();
      double accepted = scrape.accepted();
      if (accepted > 0 && scrape.settled() >= accepted) {
        return (System.nanoTime() - start) / 1e9;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the queue of " + name + " did not drain in 300 s");
  }
}
