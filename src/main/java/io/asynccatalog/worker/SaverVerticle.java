package io.asynccatalog.worker;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.SaveBatch;
import io.asynccatalog.bus.SaveOutcome;
import io.asynccatalog.domain.BatchReport;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductReport;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.store.ProductItems;
import io.asynccatalog.store.ProductTable;
import io.asynccatalog.store.ReportBucket;
import io.asynccatalog.tracing.TraceContext;
import io.asynccatalog.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores batches of products: the table items first (one BatchWriteItem), then the reports — one object per
 * product (the default, the challenge's contract) or one object per batch (batched mode, each item pointing at
 * its byte range). A product counts as stored only when its item and its report are both written; everything else
 * is named in the outcome with its reason, so the consumer deletes exactly the messages that are done.
 */
public final class SaverVerticle extends VerticleBase {
  private static final Logger JOURNEY = LoggerFactory.getLogger("catalog.journey");
  private final ProductTable table;
  private final ReportBucket reports;
  private final String reportPrefix;
  private final boolean batchedReports;
  private final boolean batching;
  private final CatalogMetrics metrics;
  private final Tracing tracing;
  private MessageConsumer<SaveBatch> consumer;

  public SaverVerticle(ProductTable table, ReportBucket reports, String reportPrefix, boolean batchedReports,
                       boolean batching, CatalogMetrics metrics, Tracing tracing) {
    this.tracing = tracing;
    this.table = table;
    this.reports = reports;
    this.reportPrefix = reportPrefix;
    this.batchedReports = batchedReports;
    this.batching = batching;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.SAVE, this::onBatch);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  private void onBatch(Message<SaveBatch> request) {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    // one write per product id: a batch may hold duplicate deliveries, and BatchWriteItem refuses duplicate keys
    Map<String, Product> products = new LinkedHashMap<>();
    request.body().products().forEach(p -> products.putIfAbsent(p.id(), p));
    save(products)
        .otherwise(error -> SaveOutcome.allFailed(products.keySet(), "DynamoDB: " + error.getMessage()))
        .onSuccess(outcome -> {
          record(products, outcome, started, startedAt, request.body().traces());
          request.reply(outcome);
        });
  }

  private Future<SaveOutcome> save(Map<String, Product> products) {
    Instant storedAt = Instant.now();
    BatchReport batch = batchedReports ? BatchReport.of(reportPrefix, new ArrayList<>(products.values())) : null;
    Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
    for (Product p : products.values()) {
      ReportLocation report = batch != null ? batch.locations().get(p.id())
          : ReportLocation.whole(ProductReport.objectKey(reportPrefix, p.id()));
      items.put(p.id(), ProductItems.toItem(p, storedAt, report));
    }
    Future<Set<String>> written = batching
        ? table.putAll(new ArrayList<>(items.values()))
            .recover(error -> items.size() > 1 && !Dependencies.isOutage(error)
                ? putOneByOne(items) // DynamoDB refused the whole batch: find the item it refuses, store the others
                : Future.failedFuture(error))
        : putOneByOne(items);
    return written.compose(ids -> batch != null ? writeBatchReport(products, ids, batch) : writeReports(products, ids));
  }

  private Future<Set<String>> putOneByOne(Map<String, Map<String, AttributeValue>> items) {
    List<Future<String>> puts = new ArrayList<>(items.size());
    items.forEach((id, item) -> puts.add(table.put(item).map(id)));
    return Future.join(puts).transform(done -> Future.succeededFuture(succeeded(puts)));
  }

  private Future<SaveOutcome> writeReports(Map<String, Product> products, Set<String> written) {
    Map<String, String> failed = new HashMap<>();
    List<Future<String>> puts = new ArrayList<>(written.size());
    for (Product p : products.values()) {
      if (!written.contains(p.id())) {
        failed.put(p.id(), "DynamoDB did not write the item");
        continue;
      }
      puts.add(reports.put(ProductReport.objectKey(reportPrefix, p.id()), ProductReport.render(p),
              ProductReport.CONTENT_TYPE)
          .map(p.id())
          .onFailure(error -> failed.put(p.id(), "S3: " + error.getMessage())));
    }
    return Future.join(puts).transform(done -> {
      metrics.reportObjects((int) puts.stream().filter(Future::succeeded).count());
      return Future.succeededFuture(new SaveOutcome(succeeded(puts), failed));
    });
  }

  /** Batched mode: one object for the batch; it holds every product's report, so it stores them all or none. */
  private Future<SaveOutcome> writeBatchReport(Map<String, Product> products, Set<String> written, BatchReport batch) {
    Map<String, String> failed = new HashMap<>();
    products.keySet().stream().filter(id -> !written.contains(id))
        .forEach(id -> failed.put(id, "DynamoDB did not write the item"));
    if (written.isEmpty()) {
      return Future.succeededFuture(new SaveOutcome(Set.of(), failed));
    }
    return reports.put(batch.key(), batch.content(), ProductReport.CONTENT_TYPE)
        .map(v -> {
          metrics.reportObjects(1);
          return new SaveOutcome(written, failed);
        })
        .otherwise(error -> {
          written.forEach(id -> failed.put(id, "S3: " + error.getMessage()));
          return new SaveOutcome(Set.of(), failed);
        });
  }

  private void record(Map<String, Product> products, SaveOutcome outcome, long started, Instant startedAt,
                      Map<String, String> traces) {
    Instant now = Instant.now();
    for (String id : products.keySet()) {
      boolean stored = outcome.stored().contains(id);
      TraceContext parent = TraceContext.parse(traces.get(id));
      Span span = tracing.enabled() ? tracing.start("store product", SpanKind.CONSUMER, parent, startedAt) : null;
      if (span != null) {
        Tracing.end(span, id, stored, outcome.failed().get(id));
      }
      if (!stored) {
        continue;
      }
      Duration lag = Duration.between(products.get(id).createdAt(), now);
      metrics.stored(lag);
      if (JOURNEY.isInfoEnabled()) {
        TraceContext trace = span != null ? Tracing.contextOf(span, parent) : parent == null ? null : parent.child();
        JOURNEY.atInfo().addKeyValue("event", "stored").addKeyValue("productId", id)
            .addKeyValue("traceId", trace == null ? null : trace.traceId())
            .addKeyValue("spanId", trace == null ? null : trace.spanId())
            .addKeyValue("acceptToStoredMs", lag.toMillis())
            .log("product stored");
      }
    }
    metrics.storeFailures(outcome.failed().size());
    metrics.storeBatch(System.nanoTime() - started, products.size());
  }

  private static Set<String> succeeded(List<Future<String>> futures) {
    Set<String> ids = new HashSet<>();
    futures.stream().filter(Future::succeeded).forEach(f -> ids.add(f.result()));
    return ids;
  }
}
