package io.asynccatalog.worker;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.bus.SaveBatch;
import io.asynccatalog.bus.SaveOutcome;
import io.asynccatalog.domain.BatchReport;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductReport;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.domain.StoredProduct;
import io.asynccatalog.store.ProductStore;
import io.asynccatalog.store.ReportBucket;
import io.asynccatalog.tracing.LogTrace;
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
 * Stores groups of products: the store first (DynamoDB: BatchWriteItem calls of 25 at once), then the reports — one
 * object per product (the default, the challenge's contract) or one object per group (batched mode, each product
 * pointing at its byte range). A product counts as stored only when it and its report are both written; everything
 * else is named in the outcome with its reason and whose fault it was, so that the consumer settles each product by
 * what became of it. The group's deadline bounds all of it: the saver answers by then with nothing left running.
 */
public final class SaverVerticle extends VerticleBase {
  private static final Logger JOURNEY = LoggerFactory.getLogger("catalog.journey");
  /** Less time than this left before the deadline: no call is started, its answer would come too late. */
  private static final long MIN_CALL_MILLIS = 50;
  private final ProductStore store;
  private final ReportBucket reports;
  private final String reportPrefix;
  private final boolean batchedReports;
  private final int putsInFlight;
  private final Duration callTimeout;
  private final CatalogMetrics metrics;
  private final Tracing tracing;
  private MessageConsumer<SaveBatch> consumer;

  public SaverVerticle(ProductStore store, ReportBucket reports, String reportPrefix, boolean batchedReports,
                       int putsInFlight, Duration callTimeout, CatalogMetrics metrics, Tracing tracing) {
    this.putsInFlight = putsInFlight;
    this.callTimeout = callTimeout;
    this.tracing = tracing;
    this.store = store;
    this.reports = reports;
    this.reportPrefix = reportPrefix;
    this.batchedReports = batchedReports;
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

  /** Each group is stored on a context of its own, carrying a trace of its products for the lines logged meanwhile. */
  private void onBatch(Message<SaveBatch> request) {
    TraceContext trace = request.body().traces().isEmpty() ? null
        : TraceContext.parse(request.body().traces().values().iterator().next());
    LogTrace.on(context, trace).runOnContext(v -> store(request));
  }

  private void store(Message<SaveBatch> request) {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    // one write per product id: a batch may hold duplicate deliveries, and BatchWriteItem refuses duplicate keys
    Map<String, Product> products = new LinkedHashMap<>();
    request.body().products().forEach(p -> products.putIfAbsent(p.id(), p));
    Deadline deadline = request.body().deadline();
    save(products, request.body().again(), deadline)
        .otherwise(error -> SaveOutcome.allFailed(products.keySet(), Dependencies.failure("saver", error)))
        .onSuccess(outcome -> {
          record(products, outcome, started, startedAt, request.body().traces());
          request.reply(outcome);
        });
  }

  private Future<SaveOutcome> save(Map<String, Product> products, Set<String> again, Deadline deadline) {
    if (!batchedReports || again.isEmpty()) {
      return write(products, deadline);
    }
    return alreadyStored(products, again).compose(done -> {
      if (done.isEmpty()) {
        return write(products, deadline);
      }
      Map<String, Product> rest = new LinkedHashMap<>(products);
      rest.keySet().removeAll(done);
      Future<SaveOutcome> written = rest.isEmpty()
          ? Future.succeededFuture(new SaveOutcome(Set.of(), Map.of()))
          : write(rest, deadline);
      return written.map(outcome -> {
        Set<String> stored = new HashSet<>(outcome.stored());
        stored.addAll(done);
        return new SaveOutcome(stored, outcome.failed());
      });
    });
  }

  /**
   * Batched reports: of the products that may have been stored before, those whose item points at a report object
   * that exists. They are left as they are: storing them again in another group would point their items at a new
   * object and could leave the old one without any product pointing at it.
   */
  private Future<Set<String>> alreadyStored(Map<String, Product> products, Set<String> again) {
    List<String> ids = again.stream().filter(products::containsKey).toList();
    return store.getAll(ids).compose(found -> {
      Map<String, List<String>> byObject = new HashMap<>();
      found.forEach((id, stored) -> byObject.computeIfAbsent(stored.report().key(), k -> new ArrayList<>()).add(id));
      List<Future<Boolean>> checks = new ArrayList<>();
      List<List<String>> owners = new ArrayList<>();
      byObject.forEach((key, owner) -> {
        checks.add(reports.exists(key));
        owners.add(owner);
      });
      return Future.all(checks).map(all -> {
        Set<String> done = new HashSet<>();
        for (int i = 0; i < checks.size(); i++) {
          if (checks.get(i).result()) {
            done.addAll(owners.get(i));
          }
        }
        return done;
      });
    }).otherwise(error -> Set.of()); // the check is an optimisation of the S3 side: store them again
  }

  private Future<SaveOutcome> write(Map<String, Product> products, Deadline deadline) {
    Instant storedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as createdAt
    BatchReport batch = batchedReports ? BatchReport.of(reportPrefix, new ArrayList<>(products.values())) : null;
    List<StoredProduct> stored = new ArrayList<>(products.size());
    for (Product p : products.values()) {
      ReportLocation report = batch != null ? batch.locations().get(p.id())
          : ReportLocation.whole(ProductReport.objectKey(reportPrefix, p.id()));
      stored.add(new StoredProduct(p, storedAt, report));
    }
    return store.putAll(stored, deadline)
        .compose(written -> batch != null
            ? writeBatchReport(products, written, batch, deadline)
            : writeReports(products, written, deadline))
        .otherwise(error -> SaveOutcome.allFailed(products.keySet(), Dependencies.failure(store.dependency(), error)));
  }

  /**
   * One object per product, at most {@code putsInFlight} at once: a group may hold a thousand products, and the SDK
   * would queue whatever its connections cannot take, each queued call nearer its deadline.
   */
  private Future<SaveOutcome> writeReports(Map<String, Product> products, ProductStore.Written written,
                                           Deadline deadline) {
    Map<String, Failure> failed = new HashMap<>(written.failed());
    List<Product> toWrite = new ArrayList<>(written.written().size());
    for (Product p : products.values()) {
      if (written.written().contains(p.id())) {
        toWrite.add(p);
      } else {
        failed.putIfAbsent(p.id(), Failure.own(store.dependency() + " did not write the product"));
      }
    }
    Set<String> stored = new HashSet<>();
    return writeReports(toWrite, 0, stored, failed, deadline).map(v -> new SaveOutcome(stored, failed));
  }

  /**
   * The reports from {@code from} on, {@code putsInFlight} at a time. No wave starts once the deadline has (nearly)
   * passed: the products left are handed on as S3's fault (a slow S3 is not theirs), and none of their puts is still
   * running when the consumer settles them.
   */
  private Future<Void> writeReports(List<Product> products, int from, Set<String> stored, Map<String, Failure> failed,
                                    Deadline deadline) {
    if (from >= products.size()) {
      return Future.succeededFuture();
    }
    if (deadline.remaining().toMillis() < MIN_CALL_MILLIS) {
      Failure late = Failure.ofDependency("S3: the report was not written before the save's deadline");
      products.subList(from, products.size()).forEach(p -> failed.put(p.id(), late));
      metrics.deadlinePassed(products.size() - from);
      return Future.succeededFuture();
    }
    List<Future<Void>> puts = new ArrayList<>();
    Duration timeout = deadline.callTimeout(callTimeout);
    for (Product p : products.subList(from, Math.min(products.size(), from + putsInFlight))) {
      puts.add(reports.put(ProductReport.objectKey(reportPrefix, p.id()), ProductReport.render(p),
              ProductReport.CONTENT_TYPE, timeout)
          .onSuccess(v -> stored.add(p.id()))
          .onFailure(error -> failed.put(p.id(), Dependencies.failure("S3", error))));
    }
    return Future.join(puts).transform(done -> {
      metrics.reportObjects((int) puts.stream().filter(Future::succeeded).count());
      return writeReports(products, from + putsInFlight, stored, failed, deadline);
    });
  }

  /** Batched mode: one object for the group; it holds every product's report, so it stores them all or none. */
  private Future<SaveOutcome> writeBatchReport(Map<String, Product> products, ProductStore.Written written,
                                               BatchReport batch, Deadline deadline) {
    Map<String, Failure> failed = new HashMap<>(written.failed());
    products.keySet().stream().filter(id -> !written.written().contains(id))
        .forEach(id -> failed.putIfAbsent(id, Failure.own(store.dependency() + " did not write the product")));
    if (written.written().isEmpty()) {
      return Future.succeededFuture(new SaveOutcome(Set.of(), failed));
    }
    if (deadline.remaining().toMillis() < MIN_CALL_MILLIS) {
      Failure late = Failure.ofDependency("S3: the report was not written before the save's deadline");
      written.written().forEach(id -> failed.put(id, late));
      metrics.deadlinePassed(written.written().size());
      return Future.succeededFuture(new SaveOutcome(Set.of(), failed));
    }
    return reports.put(batch.key(), batch.content(), ProductReport.CONTENT_TYPE, deadline.callTimeout(callTimeout))
        .map(v -> {
          metrics.reportObjects(1);
          return new SaveOutcome(written.written(), failed);
        })
        .otherwise(error -> {
          Failure failure = Dependencies.failure("S3", error);
          written.written().forEach(id -> failed.put(id, failure));
          return new SaveOutcome(Set.of(), failed);
        });
  }

  private void record(Map<String, Product> products, SaveOutcome outcome, long started, Instant startedAt,
                      Map<String, String> traces) {
    Instant now = Instant.now();
    boolean traced = tracing.enabled() || JOURNEY.isInfoEnabled();
    for (String id : products.keySet()) {
      boolean stored = outcome.stored().contains(id);
      TraceContext parent = traced ? TraceContext.parse(traces.get(id)) : null;
      Span span = tracing.enabled() ? tracing.start("store product", SpanKind.CONSUMER, parent, startedAt) : null;
      if (span != null) {
        Failure failure = outcome.failed().get(id);
        Tracing.end(span, id, stored, failure == null ? null : failure.toString());
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
}
