package io.asynccatalog.pipeline;

import io.asynccatalog.testing.Http;
import io.asynccatalog.testing.Inspector;
import io.asynccatalog.testing.LoadClient;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery guarantees under faults, with everything as its own process, as in production: the SQS server in one,
 * the DynamoDB and S3 servers in another (so each can fail alone), the service in a third, killed and restarted at
 * will. Each scenario uses its own queue, table and bucket, and prints its figures.
 */
class FaultToleranceTest {
  @TempDir
  static Path work;
  static int sqsPort;
  static int dynamoDbPort;
  static int s3Port;
  static ServiceProcess sqsServer;
  static ServiceProcess storeServer;
  static Inspector inspector;
  static LoadClient load;

  @BeforeAll
  static void startServers() throws Exception {
    sqsPort = ServiceProcess.freePort();
    dynamoDbPort = ServiceProcess.freePort();
    s3Port = ServiceProcess.freePort();
    sqsServer = startSqs();
    storeServer = startStore();
    inspector = new Inspector(URI.create("http://127.0.0.1:" + sqsPort), URI.create("http://127.0.0.1:" + dynamoDbPort),
        URI.create("http://127.0.0.1:" + s3Port));
    load = new LoadClient();
  }

  @AfterAll
  static void stopServers() throws Exception {
    load.close();
    inspector.close();
    sqsServer.close();
    storeServer.close();
  }

  private static ServiceProcess startSqs() throws Exception {
    ServiceProcess server = ServiceProcess.start(work, Map.of("CATALOG_DATA_DIR", work.resolve("sqs-data").toString(),
        "CATALOG_LOCAL_SQS_PORT", Integer.toString(sqsPort)), "emulators", "sqs");
    Poll.until(Duration.ofSeconds(60), "the SQS server", () -> LoadClient.listening(sqsPort));
    return server;
  }

  private static ServiceProcess startStore() throws Exception {
    return startStore("dynamodb", "s3");
  }

  /** The DynamoDB server, the S3 server or both, in one process, on their ports, over the same data. */
  private static ServiceProcess startStore(String... services) throws Exception {
    List<String> args = new ArrayList<>(List.of("emulators"));
    args.addAll(List.of(services));
    ServiceProcess server = ServiceProcess.start(work, Map.of("CATALOG_DATA_DIR", work.resolve("store-data").toString(),
        "CATALOG_LOCAL_DYNAMODB_PORT", Integer.toString(dynamoDbPort),
        "CATALOG_LOCAL_S3_PORT", Integer.toString(s3Port)), args.toArray(String[]::new));
    List<String> wanted = List.of(services);
    Poll.until(Duration.ofSeconds(60), "the " + wanted + " server(s)",
        () -> (!wanted.contains("dynamodb") || LoadClient.listening(dynamoDbPort))
            && (!wanted.contains("s3") || LoadClient.listening(s3Port)));
    return server;
  }

  /** One scenario's resources and service processes. */
  private static final class Scenario {
    final String name;
    final Map<String, String> settings;
    int port;

    Scenario(String name) throws Exception {
      this(name, Map.of());
    }

    /** {@code settings}: this scenario's own configuration, over the common one. */
    Scenario(String name, Map<String, String> settings) throws Exception {
      this.name = name;
      this.settings = settings;
      this.port = ServiceProcess.freePort();
    }

    /** Another instance of the same service (same queue, table and bucket) on its own port. */
    ServiceProcess startAnotherInstance(int otherPort) throws Exception {
      int own = port;
      port = otherPort;
      try {
        return startService();
      } finally {
        port = own;
      }
    }

    String queue() {
      return "q-" + name;
    }

    String table() {
      return "t-" + name;
    }

    String bucket() {
      return "r-" + name;
    }

    ServiceProcess startService() throws Exception {
      Map<String, String> env = new HashMap<>(Map.ofEntries(
          Map.entry("CATALOG_MODE", "aws"), Map.entry("CATALOG_PROVISION", "true"), Map.entry("CATALOG_AUTH", "off"),
          Map.entry("AWS_REGION", "us-east-1"), Map.entry("AWS_ACCESS_KEY_ID", "local"),
          Map.entry("AWS_SECRET_ACCESS_KEY", "local"),
          Map.entry("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:" + sqsPort),
          Map.entry("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + dynamoDbPort),
          Map.entry("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3Port),
          Map.entry("CATALOG_HTTP_HOST", "127.0.0.1"), Map.entry("CATALOG_HTTP_PORT", Integer.toString(port)),
          Map.entry("CATALOG_QUEUE_NAME", queue()), Map.entry("CATALOG_DLQ_NAME", queue() + "-dlq"),
          Map.entry("CATALOG_TABLE_NAME", table()), Map.entry("CATALOG_IDEMPOTENCY_TABLE_NAME", table() + "-keys"),
          Map.entry("CATALOG_BUCKET_NAME", bucket()),
          Map.entry("CATALOG_VISIBILITY_TIMEOUT_SECONDS", "10"), Map.entry("CATALOG_SQS_WAIT_SECONDS", "2"),
          Map.entry("CATALOG_ENQUEUE_TIMEOUT_MS", "2000"), Map.entry("CATALOG_AWS_CALL_TIMEOUT_MS", "3000"),
          Map.entry("CATALOG_BREAKER_RESET_MS", "1000"), Map.entry("CATALOG_RETRY_BASE_SECONDS", "1"),
          Map.entry("CATALOG_RETRY_MAX_SECONDS", "4"), Map.entry("CATALOG_SHUTDOWN_GRACE_SECONDS", "10")));
      env.putAll(settings);
      ServiceProcess service = ServiceProcess.start(work, env);
      Http http = new Http(port);
      Poll.until(Duration.ofSeconds(60), "service " + name + " ready", () -> {
        if (!service.isAlive()) {
          throw new AssertionError("the service died:\n" + service.output());
        }
        try {
          return http.get("/health/ready").statusCode() == 200;
        } catch (UncheckedIOException e) {
          return false;
        }
      });
      return service;
    }

    /** Waits until every accepted product is stored and the queues are empty, then checks and prints it all. */
    void verify(Map<String, String> accepted, String figures) throws Exception {
      try {
        Poll.until(Duration.ofSeconds(120), "every accepted product stored and the queue drained",
            () -> inspector.messagesIn(queue()) == 0 && inspector.items(table()).keySet().containsAll(accepted.keySet()));
      } catch (AssertionError e) {
        System.out.printf("[%s] %s%n", name, e.getMessage()); // the figures and assertions below say what is missing
      }
      Map<String, String> items = inspector.items(table());
      Set<String> reports = inspector.keys(bucket());
      Set<String> lost = new HashSet<>(accepted.keySet());
      lost.removeAll(items.keySet());
      long duplicates = items.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
          .values().stream().filter(n -> n > 1).count();
      long withoutReport = items.keySet().stream().filter(id -> !reports.contains("reports/" + id + ".txt")).count();
      int dlq = inspector.messagesIn(queue() + "-dlq");
      System.out.printf("[%s] %s | accepted=%d stored=%d stored-without-a-202-seen=%d lost=%d duplicates=%d "
              + "without-report=%d queue=%d dlq=%d%n", name, figures, accepted.size(), items.size(),
          items.size() - (accepted.size() - lost.size()), lost.size(), duplicates, withoutReport,
          inspector.messagesIn(queue()), dlq);
      if (dlq > 0) {
        System.out.printf("[%s] dead-lettered because: %s%n", name, inspector.deadLetterReasons(queue() + "-dlq"));
      }
      assertEquals(Set.of(), lost, "every 202 is stored");
      assertEquals(0, duplicates, "no request stored twice");
      assertEquals(0, withoutReport, "every stored product has its report");
      Set<String> strays = new HashSet<>(reports);
      items.keySet().forEach(id -> strays.remove("reports/" + id + ".txt"));
      assertEquals(Set.of(), strays, "no object but the reports of stored products");
      assertEquals(0, dlq, "nothing dead-lettered");
    }
  }

  @Test
  void killMinusNineUnderLoadLosesNothingThatWasAccepted() throws Exception {
    Scenario s = new Scenario("kill9");
    ServiceProcess first = s.startService();
    LoadClient.Run before = load.start(s.port, "kill9-a", 4000, 64);
    Poll.until(Duration.ofSeconds(60), "1200 products accepted", () -> before.accepted.size() >= 1200);
    first.kill();
    assertNotNull(first.awaitExit(Duration.ofSeconds(10)));
    before.await(Duration.ofSeconds(60));

    ServiceProcess second = s.startService();
    LoadClient.Run after = load.start(s.port, "kill9-b", 1000, 64);
    after.await(Duration.ofSeconds(60));
    Map<String, String> accepted = new HashMap<>(before.accepted);
    accepted.putAll(after.accepted);
    s.verify(accepted, "before kill: " + before.summary() + "; after restart: " + after.summary());
    assertEquals(1000, after.accepted.size(), after.summary());
    second.terminate();
    assertEquals(0, second.awaitExit(Duration.ofSeconds(20)));
  }

  /**
   * Keyed replaces with the client's versions (300 skus, 8 versions each, sent shuffled by 32 senders), the service
   * killed -9 after 800 were accepted, restarted, the rest sent: every product ends at a version at least as high as
   * the highest accepted for it (one not acknowledged may have been queued all the same, and may be higher), with
   * that version's content, once: nothing accepted is lost, nothing applied twice or out of order.
   */
  @Test
  void killMinusNineUnderUpdateLoadAppliesEveryAcceptedWrite() throws Exception {
    Scenario s = new Scenario("kill9updates");
    List<String[]> writes = new ArrayList<>();
    for (int p = 0; p < 300; p++) {
      for (int v = 1; v <= 8; v++) {
        writes.add(new String[] {"UPD-" + p, Integer.toString(v * 10 + p % 7)});
      }
    }
    java.util.Collections.shuffle(writes, new java.util.Random(42));
    Map<String, Long> highestAccepted = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Set<Long>> unacknowledged = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    ServiceProcess first = s.startService();
    Runnable sender = () -> {
      java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
      for (int i = next.getAndIncrement(); i < writes.size(); i = next.getAndIncrement()) {
        String sku = writes.get(i)[0];
        long version = Long.parseLong(writes.get(i)[1]);
        int status;
        try {
          status = client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port
                  + "/products/sku/" + sku + "?version=" + version)).timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"" + sku + " v" + version
                      + "\",\"price\":\"" + version + ".00\"}")).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
          status = -1; // the service was killed under it
        }
        if (status == 202) {
          highestAccepted.merge(sku, version, Math::max);
          accepted.incrementAndGet();
        } else if (status == 503 || status == 504 || status == -1) { // sent again after the restart
          unacknowledged.computeIfAbsent(sku, k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(version);
        } else {
          throw new AssertionError("unexpected status " + status);
        }
      }
    };
    java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(32);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (int t = 0; t < 32; t++) {
      running.add(senders.submit(sender));
    }
    Poll.until(Duration.ofSeconds(60), "800 writes accepted", () -> accepted.get() >= 800);
    first.kill();
    assertNotNull(first.awaitExit(Duration.ofSeconds(10)));
    for (java.util.concurrent.Future<?> f : running) {
      f.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    int beforeKill = accepted.get();
    // every write not acknowledged (refused while the service was killed) is sent again after the restart
    List<String[]> again = new ArrayList<>();
    unacknowledged.forEach((sku, versions) -> versions.forEach(v -> again.add(new String[] {sku, Long.toString(v)})));
    int resent = again.size();
    unacknowledged.clear();
    writes.clear();
    writes.addAll(again);
    next.set(0);
    ServiceProcess second = s.startService();
    running.clear();
    for (int t = 0; t < 32; t++) {
      running.add(senders.submit(sender));
    }
    for (java.util.concurrent.Future<?> f : running) {
      f.get(120, java.util.concurrent.TimeUnit.SECONDS);
    }
    senders.shutdown();
    Poll.until(Duration.ofSeconds(120), "every write settled", () -> inspector.messagesIn(s.queue()) == 0);
    Http http = new Http(s.port);
    int checked = 0;
    for (Map.Entry<String, Long> entry : highestAccepted.entrySet()) {
      io.vertx.core.json.JsonObject shown = new io.vertx.core.json.JsonObject(http.get("/products/sku/" + entry.getKey())
          .body());
      long version = shown.getLong("version");
      assertTrue(version >= entry.getValue(), entry.getKey() + " at " + version + ", below the accepted "
          + entry.getValue());
      assertEquals(entry.getKey() + " v" + version, shown.getString("name"), "the content of the version shown");
      checked++;
    }
    assertEquals(300, inspector.items(s.table()).size(), "one item per sku, nothing doubled");
    assertEquals(0, inspector.messagesIn(s.queue() + "-dlq"), "nothing dead-lettered");
    assertEquals(Map.of(), unacknowledged, "every write resent after the restart was accepted");
    System.out.printf("[kill9updates] 2400 keyed replaces with client versions, 32 senders: %d accepted before the "
        + "kill, %d refused by the dying service and sent again after the restart; %d accepted in all; %d products "
        + "each at (or above) its highest accepted version with that version's content, one item each, dlq=0%n",
        beforeKill, resent, accepted.get(), checked);
    second.terminate();
    assertEquals(0, second.awaitExit(Duration.ofSeconds(20)));
  }

  @Test
  void killMinusNineUnderBulkLoadLosesNothingThatWasAccepted() throws Exception {
    Scenario s = new Scenario("kill9bulk");
    ServiceProcess first = s.startService();
    LoadClient.Run before = load.startBulk(s.port, "kill9bulk-a", 200, 50, 8, 0);
    Poll.until(Duration.ofSeconds(60), "2000 products accepted", () -> before.accepted.size() >= 2000);
    first.kill();
    assertNotNull(first.awaitExit(Duration.ofSeconds(10)));
    before.await(Duration.ofSeconds(60));

    ServiceProcess second = s.startService();
    LoadClient.Run after = load.startBulk(s.port, "kill9bulk-b", 20, 50, 8, 0);
    after.await(Duration.ofSeconds(60));
    Map<String, String> accepted = new HashMap<>(before.accepted);
    accepted.putAll(after.accepted);
    s.verify(accepted, "bulk of 50, before kill: " + before.summary() + "; after restart: " + after.summary());
    assertEquals(1000, after.accepted.size(), after.summary());
    second.terminate();
    assertEquals(0, second.awaitExit(Duration.ofSeconds(20)));
  }

  @Test
  void anSqsOutageUnderBulkLoadGivesFast503sAndLosesNothing() throws Exception {
    Scenario s = new Scenario("sqsdownbulk");
    ServiceProcess service = s.startService();
    LoadClient.Run run = load.startBulk(s.port, "sqsdownbulk", 4000, 25, 8, 40);
    Poll.until(Duration.ofSeconds(60), "1000 products accepted", () -> run.accepted.size() >= 1000);
    sqsServer.kill();
    sqsServer.awaitExit(Duration.ofSeconds(10));
    Poll.until(Duration.ofSeconds(60), "40 bulk requests refused with 503", () -> run.unavailable.get() >= 40);
    sqsServer = startSqs();
    run.mark();
    Poll.until(Duration.ofSeconds(60), "1000 products accepted after SQS came back",
        () -> run.acceptedAfterMark.get() >= 1000);
    run.stop();
    run.await(Duration.ofSeconds(120));

    s.verify(run.accepted, "bulk of 25: " + run.summary());
    assertEquals(0, run.timeouts.get(), "no request waited for a client timeout");
    assertEquals(0, run.otherStatus.get(), "refusals are 503s (or 207s naming what was queued, 504s what may be)");
    assertEquals(0, run.unavailableWithoutRetryAfter.get(), "every 503 says when to retry");
    assertTrue(run.slowest503Millis.get() < 3000, "503s come within the enqueue deadline: " + run.summary());
    assertTrue(run.acceptedAfterMark.get() > 0, "202s resumed after SQS came back: " + run.summary());
    service.terminate();
    assertEquals(0, service.awaitExit(Duration.ofSeconds(20)));
  }

  @Test
  void anSqsOutageGivesFast503sAndLosesNothing() throws Exception {
    Scenario s = new Scenario("sqsdown");
    ServiceProcess service = s.startService();
    // paced, and going on until SQS is back and takes products again (however long its restart takes)
    LoadClient.Run run = load.start(s.port, "sqsdown", 30_000, 16, 200);
    Poll.until(Duration.ofSeconds(60), "500 products accepted", () -> run.accepted.size() >= 500);
    sqsServer.kill();
    sqsServer.awaitExit(Duration.ofSeconds(10));
    Poll.until(Duration.ofSeconds(60), "200 requests refused with 503", () -> run.unavailable.get() >= 200);
    // the load balancer's check is liveness: an outage of a dependency every instance shares must not make it
    // replace every instance; readiness says the instance takes no products now
    Http http = new Http(s.port);
    Poll.until(Duration.ofSeconds(30), "readiness 503 with SQS down", () -> readiness(http, 503, "sqs", "DOWN"));
    var live = http.get("/health/live");
    assertEquals(200, live.statusCode(), "alive while SQS is down: " + live.body());
    System.out.printf("[sqsdown] during the outage: /health/live %d, /health/ready %d%n", live.statusCode(),
        http.get("/health/ready").statusCode());
    sqsServer = startSqs();
    run.mark();
    Poll.until(Duration.ofSeconds(60), "200 products accepted after SQS came back",
        () -> run.acceptedAfterMark.get() >= 200);
    run.stop();
    run.await(Duration.ofSeconds(120));

    s.verify(run.accepted, run.summary());
    assertEquals(0, run.timeouts.get(), "no request waited for a client timeout");
    assertEquals(0, run.otherStatus.get(), "refusals are 503s, or 504s where SQS went away mid-call");
    assertEquals(0, run.unavailableWithoutRetryAfter.get(), "every 503 says when to retry");
    assertTrue(run.slowest503Millis.get() < 3000, "503s come within the enqueue deadline: " + run.summary());
    assertTrue(run.acceptedAfterMark.get() > 0, "202s resumed after SQS came back: " + run.summary());
    service.terminate();
    assertEquals(0, service.awaitExit(Duration.ofSeconds(20)));
  }

  @Test
  void aTableAndBucketOutageKeepsAcceptingAndStoresEverythingAfterwards() throws Exception {
    // two tries: a product received even once while the store or the bucket is down, or only maybe back, would be
    // dead-lettered
    Scenario s = new Scenario("storedown", Map.of("CATALOG_MAX_RECEIVE_COUNT", "2"));
    ServiceProcess service = s.startService();
    Http http = new Http(s.port);
    LoadClient.Run run = load.start(s.port, "storedown", 3000, 16, 200);
    Poll.until(Duration.ofSeconds(60), "500 products accepted", () -> run.accepted.size() >= 500);
    storeServer.kill();
    storeServer.awaitExit(Duration.ofSeconds(10));
    int acceptedAtOutage = run.accepted.size();
    Poll.until(Duration.ofSeconds(60), "the outage seen by readiness, while still ready",
        () -> readiness(http, 200, "dynamodb", "DOWN"));
    Poll.until(Duration.ofSeconds(60), "500 more products accepted during the outage",
        () -> run.accepted.size() >= acceptedAtOutage + 500);
    // receives that began before the outage are over by now (they return at once: messages keep coming)
    double receivedInOutage = http.meter("catalog_messages_received_total");

    // the table comes back first, the bucket later: the store being back must not let the consumers in
    ServiceProcess dynamoDb = startStore("dynamodb");
    Poll.until(Duration.ofSeconds(60), "the table back and the bucket seen down",
        () -> readiness(http, 200, "dynamodb", "UP") && readiness(http, 200, "s3", "DOWN"));
    assertEquals(receivedInOutage, http.meter("catalog_messages_received_total"),
        "no message received while the bucket is down");
    dynamoDb.kill();
    dynamoDb.awaitExit(Duration.ofSeconds(10));
    storeServer = startStore();
    run.mark();
    run.await(Duration.ofSeconds(120));

    s.verify(run.accepted, run.summary() + " accepted-during-outage>=" + 500);
    assertEquals(0, run.unavailable.get() + run.otherStatus.get() + run.timeouts.get(),
        "ingest does not depend on the table or the bucket: " + run.summary());
    service.terminate();
    assertEquals(0, service.awaitExit(Duration.ofSeconds(20)));
  }

  /** Whether /health/ready answers {@code status} and shows the dependency's check as {@code up} ("UP", "DOWN"). */
  private static boolean readiness(Http http, int status, String dependency, String up) {
    var ready = http.get("/health/ready");
    return ready.statusCode() == status && ready.body().contains("\"id\":\"" + dependency + "\",\"status\":\"" + up + "\"");
  }

  @Test
  void twoInstancesShareTheWorkAndStoreNothingTwice() throws Exception {
    Scenario s = new Scenario("twoinstances");
    int otherPort = ServiceProcess.freePort();
    ServiceProcess first = s.startService();
    ServiceProcess second = s.startAnotherInstance(otherPort);
    LoadClient.Run toFirst = load.start(s.port, "two-a", 1500, 32);
    LoadClient.Run toSecond = load.start(otherPort, "two-b", 1500, 32);
    toFirst.await(Duration.ofSeconds(120));
    toSecond.await(Duration.ofSeconds(120));
    Map<String, String> accepted = new HashMap<>(toFirst.accepted);
    accepted.putAll(toSecond.accepted);
    s.verify(accepted, "instance A: " + toFirst.summary() + "; instance B: " + toSecond.summary());
    long storedByFirst = storedBy(s.port);
    long storedBySecond = storedBy(otherPort);
    System.out.printf("[twoinstances] stored by instance A=%d, by instance B=%d, total=%d, accepted=%d%n",
        storedByFirst, storedBySecond, storedByFirst + storedBySecond, accepted.size());
    assertTrue(storedByFirst > 0 && storedBySecond > 0, "both instances consumed from the shared queue");
    assertTrue(storedByFirst + storedBySecond >= accepted.size(), "each product stored by one of them");
    first.terminate();
    second.terminate();
    assertEquals(0, first.awaitExit(Duration.ofSeconds(20)));
    assertEquals(0, second.awaitExit(Duration.ofSeconds(20)));
  }

  /** The instance's own count of stored products, from its /metrics. */
  private static long storedBy(int port) {
    return (long) new Http(port).meter("catalog_products_stored_total");
  }

  @Test
  void sigtermUnderLoadExitsInTimeAndEveryAcceptedProductIsKept() throws Exception {
    Scenario s = new Scenario("sigterm");
    ServiceProcess service = s.startService();
    LoadClient.Run run = load.start(s.port, "sigterm", 3000, 64);
    Poll.until(Duration.ofSeconds(60), "800 products accepted", () -> run.accepted.size() >= 800);
    long asked = System.nanoTime();
    service.terminate();
    Integer exit = service.awaitExit(Duration.ofSeconds(20));
    long stopMillis = (System.nanoTime() - asked) / 1_000_000;
    run.await(Duration.ofSeconds(60));
    assertNotNull(exit, "still running 20 s after SIGTERM");
    assertEquals(0, exit, service.output());
    assertTrue(stopMillis < 15_000, "stopped within the 10 s grace period plus start of exit: " + stopMillis + " ms");
    assertEquals(0, run.timeouts.get(), run.summary());

    ServiceProcess next = s.startService(); // stores whatever the stopped instance left queued
    s.verify(run.accepted, run.summary() + " sigterm-to-exit=" + stopMillis + "ms");
    next.terminate();
    assertEquals(0, next.awaitExit(Duration.ofSeconds(20)));
  }

}
