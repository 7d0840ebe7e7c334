package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances on one queue, table and bucket: the client-versioned writes of a few hot products (replaces and
 * merge patches, distinct versions per product) sent concurrently, in shuffled order, through both instances' single
 * and bulk routes. Whichever instance accepts and whichever stores each write, in whatever order, every product ends
 * at its writes applied in version order, as both instances read it. Seeded ({@code -Dconvergence.seed=N}).
 */
class TwoInstanceConvergenceTest {
  private static final int HOT = 5;
  private static final int WRITES_PER_PRODUCT = 60;

  @TempDir
  Path dir;

  private record Sent(String sku, long version, boolean replace, Map<String, String> values) {}

  @Test
  void hotProductsWrittenThroughTwoInstancesEndAtTheirHighestVersions() throws Exception {
    long seed = Long.getLong("convergence.seed", new Random().nextLong());
    Random random = new Random(seed);
    try (RunningApp a = RunningApp.start("twoinstances-a", dir, json -> json.put("CATALOG_CONSUMER_POLLERS", 4))) {
      var r = a.resources();
      String queue = r.queueUrl().substring(r.queueUrl().lastIndexOf('/') + 1);
      String dlq = r.dlqUrl().substring(r.dlqUrl().lastIndexOf('/') + 1);
      try (RunningApp b = RunningApp.start("twoinstances-b", dir, json -> json.put("CATALOG_QUEUE_NAME", queue)
          .put("CATALOG_DLQ_NAME", dlq).put("CATALOG_TABLE_NAME", r.tableName())
          .put("CATALOG_BUCKET_NAME", r.bucketName()).put("CATALOG_IDEMPOTENCY_TABLE_NAME", r.idempotencyTableName())
          .put("CATALOG_CONSUMER_POLLERS", 4))) {
        List<Sent> writes = new ArrayList<>();
        for (int p = 0; p < HOT; p++) {
          String sku = "HOT-" + seed + "-" + p;
          List<Long> versions = new ArrayList<>();
          for (long v = 1; v <= WRITES_PER_PRODUCT; v++) {
            versions.add(v * 10 + random.nextInt(10));
          }
          for (long version : versions) {
            boolean replace = random.nextInt(5) < 3;
            Map<String, String> values = new HashMap<>();
            if (replace) {
              values.put("name", "Hot " + p + " v" + version);
              values.put("price", (1 + random.nextInt(99)) + ".00");
            } else if (random.nextBoolean()) {
              values.put("price", (1 + random.nextInt(99)) + ".50");
            } else {
              values.put("category", "Shelf " + random.nextInt(9));
            }
            writes.add(new Sent(sku, version, replace, values));
          }
        }
        Collections.shuffle(writes, random);
        int requests = send(writes, List.of(a, b), random);
        a.awaitQueueDrained("every write settled");
        b.awaitQueueDrained("every write settled");
        assertEquals(0, a.messagesIn(r.dlqUrl()), "seed " + seed + ": nothing dead-lettered");

        double superseded = a.http.meter("catalog_writes_superseded_total")
            + b.http.meter("catalog_writes_superseded_total");
        for (int p = 0; p < HOT; p++) {
          String sku = "HOT-" + seed + "-" + p;
          List<Sent> mine = new ArrayList<>(writes.stream().filter(w -> w.sku.equals(sku)).toList());
          mine.sort((x, y) -> Long.compare(x.version, y.version));
          Map<String, String> expected = new HashMap<>();
          for (Sent w : mine) {
            if (w.replace) {
              expected.clear();
            }
            expected.putAll(w.values);
          }
          for (RunningApp instance : List.of(a, b)) {
            JsonObject shown = new JsonObject(instance.http.get("/products/sku/" + sku).body());
            String where = "seed " + seed + ", " + sku + " read through " + (instance == a ? "a" : "b");
            assertEquals(expected.get("name"), shown.getString("name"), where);
            assertEquals(expected.get("price"), shown.getString("price"), where);
            assertEquals(expected.get("category"), shown.getString("category"), where);
            assertEquals(mine.get(mine.size() - 1).version, shown.getLong("version"), where);
          }
        }
        System.out.printf("[twoinstances] seed %d: %d writes to %d hot products in %d requests through two "
            + "instances (single and bulk, shuffled): each at its highest version's content on both; %.0f writes "
            + "superseded on arrival%n", seed, writes.size(), HOT, requests, superseded);
      }
    }
  }

  /** Sends every write: each through one of the instances, alone or in a bulk request; returns the requests made. */
  private static int send(List<Sent> writes, List<RunningApp> instances, Random random) throws Exception {
    List<List<Sent>> requests = new ArrayList<>();
    for (int i = 0; i < writes.size(); ) {
      int size = random.nextBoolean() ? 1 : 2 + random.nextInt(19);
      requests.add(writes.subList(i, Math.min(writes.size(), i + size)));
      i += size;
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (List<Sent> request : requests) {
        RunningApp to = instances.get(random.nextInt(instances.size()));
        answers.add(pool.submit(() -> request.size() == 1 ? single(to, request.get(0)) : bulk(to, request)));
      }
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
        assertEquals(202, response.statusCode(), response.body());
      }
    } finally {
      pool.shutdown();
    }
    return requests.size();
  }

  private static HttpResponse<String> single(RunningApp to, Sent w) {
    String path = "/products/sku/" + w.sku + "?version=" + w.version;
    return w.replace
        ? to.http.send("PUT", path, new JsonObject(new HashMap<>(w.values)).encode(), "Content-Type", "application/json")
        : to.http.send("PATCH", path, new JsonObject(new HashMap<>(w.values)).encode(),
            "Content-Type", "application/merge-patch+json");
  }

  private static HttpResponse<String> bulk(RunningApp to, List<Sent> request) {
    JsonArray items = new JsonArray();
    for (Sent w : request) {
      items.add(new JsonObject().put("op", w.replace ? "replace" : "patch").put("sku", w.sku).put("version", w.version)
          .put(w.replace ? "product" : "patch", new JsonObject(new HashMap<>(w.values))));
    }
    return to.http.postBatch(new JsonObject().put("writes", items).encode());
  }
}
