package io.asynccatalog.pipeline;

import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.domain.ProductReport;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.store.ProductRecord;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.versions.ProductWrite;
import io.asynccatalog.versions.Stamp;
import io.asynccatalog.versions.VersionClock;
import io.asynccatalog.versions.VersionedProduct;
import io.asynccatalog.versions.Write;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The convergence rule through the service's own consumer path, on both stores and in both report modes: random
 * writes (creates, replaces, merge patches, deletes; versions of the service's and of the client's, ties included)
 * to a few products, each sent one to three times in messages of every format (creates as one-product messages and
 * packs, the other writes in packs of the writes format), the messages shuffled and taken by concurrent consumers.
 * Afterwards {@code GET}, the list and every report equal the model: the writes applied in version order. Seeded: the
 * seed is in every failure message, and {@code -Dconvergence.seed=N} replays one.
 */
class ConvergenceModelTest {
  private static final int ROUNDS = 3;
  private static final int PRODUCTS = 6;
  private static final int WRITES = 60;
  private static final List<String> NAMES = List.of("Ash", "Birch", "Cedar", "Dogwood", "Elm");
  private static final List<String> CURRENCIES = List.of("USD", "EUR");

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} ({3}), {1} reports, packing {2}")
  @CsvSource({"dynamodb, per-product, true, batch-statements", "dynamodb, batched, false, put-item",
      "postgres, batched, false, -"})
  void anyDeliveryOrderWithDuplicatesEndsAtTheWritesInVersionOrder(String store, String reports, boolean packing,
                                                                   String dynamoDbWrites) throws Exception {
    long base = Long.getLong("convergence.seed", new Random().nextLong());
    UnaryOperator<JsonObject> settings = json -> (store.equals("postgres") ? RunningApp.onPostgres("model").apply(json)
        : json).put("CATALOG_REPORT_MODE", reports).put("CATALOG_PACKING", Boolean.toString(packing))
        .put("CATALOG_CONSUMER_POLLERS", 4).put("CATALOG_SAVE_LINGER_MS", 5)
        .put("CATALOG_DYNAMODB_WRITES", store.equals("postgres") ? "batch-statements" : dynamoDbWrites);
    try (RunningApp service = RunningApp.start("model-" + store, dir, settings)) {
      int total = 0;
      for (int round = 0; round < ROUNDS; round++) {
        long seed = base + round;
        total += round(service, seed, "seed " + seed + " (" + store + " " + dynamoDbWrites + ", " + reports
            + " reports)");
      }
      System.out.printf("[model] %s (%s): %d rounds of %d products, %d writes and %d messages in all, seeds %d..%d: "
          + "stored state, list and reports equal the model%n", store, dynamoDbWrites, ROUNDS, PRODUCTS,
          ROUNDS * WRITES, total, base, base + ROUNDS - 1);
    }
  }

  /** One round: writes, messages, delivery, checks. Returns how many messages it sent. */
  private int round(RunningApp service, long seed, String context) throws Exception {
    Random random = new Random(seed);
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < PRODUCTS; i++) {
      boolean keyed = random.nextBoolean();
      String sku = keyed ? "M-" + seed + "-" + i : null;
      targets.add(new Target(keyed ? ProductIds.forSku(sku) : ProductIds.next(), sku, random.nextInt(4) == 0));
    }
    long clock = VersionClock.microsOf(Instant.now());
    List<Write> writes = new ArrayList<>();
    for (Target target : targets) {
      if (target.sku == null) { // a product made by POST: its create is its first write
        clock += 1 + random.nextInt(3);
        writes.add(Write.create(new io.asynccatalog.domain.Product(target.id, pick(random, NAMES), null,
            new BigDecimal("1.50"), "USD", null, null, VersionClock.instantOf(clock))));
      }
    }
    for (int i = 0; i < WRITES; i++) {
      Target target = targets.get(random.nextInt(targets.size()));
      clock += random.nextInt(3); // 0: a tie with the write before, as two instances may give
      boolean client = target.clientVersions && random.nextInt(10) > 0; // now and then one without: it loses
      Stamp stamp = client ? new Stamp(true, random.nextInt(12), ProductIds.next(), clock)
          : Stamp.service(clock, ProductIds.next());
      int op = random.nextInt(10);
      ProductWrite change = op < 4 ? new ProductWrite(ProductWrite.Kind.REPLACE, stamp, replace(random, target))
          : op < 8 ? new ProductWrite(ProductWrite.Kind.PATCH, stamp, patch(random, target))
          : new ProductWrite(ProductWrite.Kind.DELETE, stamp, Map.of());
      writes.add(new Write(target.id, change));
    }

    List<String> bodies = messages(writes, random);
    Collections.shuffle(bodies, random);
    String queueUrl = service.resources().queueUrl();
    for (int from = 0; from < bodies.size(); from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
        entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies.get(i)).build());
      }
      service.aws().sqs().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).join();
    }
    service.awaitQueueDrained(context + ": every message settled");
    assertEquals(0, service.messagesIn(service.resources().dlqUrl()), context + ": nothing dead-lettered");

    Map<String, VersionedProduct> model = model(writes);
    Set<String> visible = new HashSet<>();
    for (Target target : targets) {
      VersionedProduct expected = model.getOrDefault(target.id, VersionedProduct.none());
      String path = target.sku != null ? "/products/sku/" + target.sku : "/products/" + target.id;
      HttpResponse<String> read = service.http.get(path);
      String where = context + ", product " + target.id + (target.sku != null ? " (sku " + target.sku + ")" : "");
      if (!expected.visible()) {
        assertEquals(404, read.statusCode(), where + ": not shown, as the model: " + read.body());
        continue;
      }
      visible.add(target.id);
      assertEquals(200, read.statusCode(), where + ": " + read.body());
      JsonObject shown = new JsonObject(read.body());
      ProductRecord record = new ProductRecord(target.id, expected, 1, Instant.now(), null, null);
      JsonObject api = ProductJson.toApi(record.shown());
      for (String field : List.of("id", "name", "description", "price", "currency", "sku", "category", "createdAt",
          "updatedAt", "version", "versionType")) {
        assertEquals(String.valueOf(api.getValue(field)), String.valueOf(shown.getValue(field)),
            where + ": " + field + " of " + shown.encode());
      }
      HttpResponse<String> report = service.http.get("/products/" + target.id + "/report");
      assertEquals(200, report.statusCode(), where + ": its report");
      assertEquals(new String(ProductReport.render(record.product(), record.createdOnly() ? null
          : expected.latest()), StandardCharsets.UTF_8), report.body(), where + ": the report of the version shown");
    }
    assertEquals(visible, listed(service, targets), context + ": the list shows exactly the visible products");
    return bodies.size();
  }

  private record Target(String id, String sku, boolean clientVersions) {}

  private static Map<String, String> replace(Random random, Target target) {
    Map<String, String> values = new HashMap<>();
    values.put("name", pick(random, NAMES));
    values.put("price", (1 + random.nextInt(9)) + "." + (random.nextBoolean() ? "00" : "50"));
    values.put("currency", pick(random, CURRENCIES));
    if (random.nextBoolean()) {
      values.put("description", "Grain " + random.nextInt(5));
    }
    if (random.nextBoolean()) {
      values.put("category", "Wood " + random.nextInt(3));
    }
    if (target.sku != null) {
      values.put("sku", target.sku); // a keyed replace keeps its key
    }
    return values;
  }

  private static Map<String, String> patch(Random random, Target target) {
    Map<String, String> values = new HashMap<>();
    while (values.isEmpty()) {
      if (random.nextInt(3) == 0) {
        values.put("name", pick(random, NAMES));
      }
      if (random.nextInt(3) == 0) {
        values.put("price", (1 + random.nextInt(9)) + ".25");
      }
      if (random.nextInt(4) == 0) {
        values.put("currency", pick(random, CURRENCIES));
      }
      if (random.nextInt(3) == 0) {
        values.put("description", random.nextBoolean() ? null : "Patched " + random.nextInt(5));
      }
      if (random.nextInt(3) == 0) {
        values.put("category", random.nextBoolean() ? null : "Patched " + random.nextInt(3));
      }
    }
    return values;
  }

  /** Each write in one to three messages; messages of one to four entries; creates now and then unpacked. */
  private static List<String> messages(List<Write> writes, Random random) {
    List<Write> copies = new ArrayList<>();
    for (Write write : writes) {
      int times = 1 + (random.nextInt(10) < 4 ? 1 : 0) + (random.nextInt(10) == 0 ? 1 : 0);
      for (int i = 0; i < times; i++) {
        copies.add(write);
      }
    }
    Collections.shuffle(copies, random);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < copies.size(); ) {
      Write first = copies.get(i);
      if (first.isCreate() && random.nextInt(3) == 0) {
        bodies.add(ProductMessages.single(first.asProduct()));
        i++;
        continue;
      }
      int size = Math.min(copies.size() - i, 1 + random.nextInt(4));
      List<String> entries = new ArrayList<>();
      Set<String> inPack = new HashSet<>();
      for (Write w : copies.subList(i, i + size)) {
        entries.add(ProductMessages.entry(w, 0, 0, null, !inPack.add(w.writeId())));
      }
      bodies.add(ProductMessages.pack(entries));
      i += size;
    }
    return bodies;
  }

  /** Each product's writes applied one after the other in stamp order. */
  private static Map<String, VersionedProduct> model(List<Write> writes) {
    List<Write> ordered = new ArrayList<>(writes);
    ordered.sort((a, b) -> a.stamp().compareTo(b.stamp()));
    Map<String, VersionedProduct> model = new LinkedHashMap<>();
    for (Write w : ordered) {
      model.put(w.productId(), model.getOrDefault(w.productId(), VersionedProduct.none()).apply(w.change()).product());
    }
    return model;
  }

  private static Set<String> listed(RunningApp service, List<Target> targets) {
    Set<String> ours = new HashSet<>();
    targets.forEach(t -> ours.add(t.id));
    Set<String> listed = new HashSet<>();
    String cursor = null;
    do {
      HttpResponse<String> page = service.http.get("/products?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
      JsonObject json = new JsonObject(page.body());
      JsonArray items = json.getJsonArray("items");
      items.forEach(item -> {
        String id = ((JsonObject) item).getString("id");
        if (ours.contains(id)) {
          listed.add(id);
        }
      });
      cursor = json.getString("next");
    } while (cursor != null);
    return listed;
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
