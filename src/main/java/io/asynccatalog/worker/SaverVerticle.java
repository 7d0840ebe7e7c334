package io.asynccatalog.worker;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.bus.SaveBatch;
import io.asynccatalog.bus.SaveOutcome;
import io.asynccatalog.domain.BatchReport;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.domain.ProductReport;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.store.ProductRecord;
import io.asynccatalog.store.ReportBucket;
import io.asynccatalog.tracing.LogTrace;
import io.asynccatalog.tracing.TraceContext;
import io.asynccatalog.tracing.Tracing;
import io.asynccatalog.versions.StateCodec;
import io.asynccatalog.versions.VersionedProduct;
import io.asynccatalog.versions.Write;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores groups of writes: merged into their products in the store first ({@link Converger}), then the reports of
 * the states written — one object per product state (the default, the challenge's contract) or one object per round
 * of the group (batched mode, each product pointing at its byte range). A write counts as done when its product and
 * that product's report are both written, or when it lost to later writes of its product; every other write is named
 * in the outcome with its reason and whose fault it was, so that the consumer settles each by what became of it. The
 * group's deadline bounds all of it: the saver answers by then with nothing left running.
 */
public final class SaverVerticle extends VerticleBase {
  private static final Logger JOURNEY = LoggerFactory.getLogger("catalog.journey");
  /** Less time than this left before the deadline: no call is started, its answer would come too late. */
  private static final long MIN_CALL_MILLIS = 50;
  private final Converger converger;
  private final String dependency;
  private final ReportBucket reports;
  private final String reportPrefix;
  private final boolean batchedReports;
  private final int putsInFlight;
  private final Duration callTimeout;
  private final CatalogMetrics metrics;
  private final Tracing tracing;
  private MessageConsumer<SaveBatch> consumer;

  public SaverVerticle(Converger converger, String dependency, ReportBucket reports, String reportPrefix,
                       boolean batchedReports, int putsInFlight, Duration callTimeout, CatalogMetrics metrics,
                       Tracing tracing) {
    this.converger = converger;
    this.dependency = dependency;
    this.putsInFlight = putsInFlight;
    this.callTimeout = callTimeout;
    this.tracing = tracing;
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

  /** Each group is stored on a context of its own, carrying a trace of its writes for the lines logged meanwhile. */
  private void onBatch(Message<SaveBatch> request) {
    TraceContext trace = request.body().traces().isEmpty() ? null
        : TraceContext.parse(request.body().traces().values().iterator().next());
    LogTrace.on(context, trace).runOnContext(v -> store(request));
  }

  private void store(Message<SaveBatch> request) {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    SaveBatch batch = request.body();
    Map<String, Write> writes = new java.util.LinkedHashMap<>();
    batch.writes().forEach(w -> writes.putIfAbsent(w.writeId(), w));
    List<BatchReport> objects = new ArrayList<>();
    Converger.ReportPlan plan = batchedReports ? records -> batchObject(records, objects) : this::ownObjects;
    converger.save(new ArrayList<>(writes.values()), batch.again(), batch.deadline(), plan)
        .compose(result -> writeReports(writes, result, objects, batch.deadline()))
        .otherwise(error -> SaveOutcome.allFailed(writes.keySet(), Dependencies.failure("saver", error)))
        .onSuccess(outcome -> {
          record(writes, outcome, started, startedAt, batch.traces());
          request.reply(outcome);
        });
  }

  /** Per-product reports: a product as its create made it at {@code <prefix><id>.txt}, a later state at its own key. */
  private Map<String, ReportLocation> ownObjects(List<ProductRecord> records) {
    Map<String, ReportLocation> locations = new HashMap<>();
    for (ProductRecord r : records) {
      locations.put(r.id(), ReportLocation.whole(r.createdOnly() ? ProductReport.objectKey(reportPrefix, r.id())
          : ProductReport.versionKey(reportPrefix, r.id(), StateCodec.etag(r.stamps()))));
    }
    return locations;
  }

  /** Batched reports: one object for the round's records. */
  private Map<String, ReportLocation> batchObject(List<ProductRecord> records, List<BatchReport> objects) {
    if (records.isEmpty()) {
      return Map.of();
    }
    List<BatchReport.Entry> entries = new ArrayList<>(records.size());
    records.forEach(r -> entries.add(new BatchReport.Entry(r.id(), StateCodec.etag(r.stamps()), render(r))));
    BatchReport object = BatchReport.of(reportPrefix, entries);
    objects.add(object);
    return object.locations();
  }

  private static byte[] render(ProductRecord record) {
    return ProductReport.render(record.product(), record.createdOnly() ? null : record.state().latest());
  }

  /**
   * The reports of the visible records written; then the outcome by write: a write whose product was written counts
   * as done once that product's report is, a write that lost at once, every other one failed with its reason.
   */
  private Future<SaveOutcome> writeReports(Map<String, Write> writes, Converger.Result result,
                                           List<BatchReport> objects, Deadline deadline) {
    Map<String, Failure> productFailures = new HashMap<>();
    List<ProductRecord> shown = result.written().values().stream().filter(r -> r.report() != null).toList();
    Future<Void> written = batchedReports ? writeObjects(shown, objects, productFailures, deadline)
        : writeOwn(shown, 0, productFailures, deadline);
    return written.map(v -> {
      Set<String> done = new HashSet<>();
      Set<String> lost = new HashSet<>();
      Map<String, Failure> failed = new HashMap<>(result.failed());
      for (Write w : writes.values()) {
        if (failed.containsKey(w.writeId())) {
          continue;
        }
        Failure report = productFailures.get(w.productId());
        if (report != null) {
          failed.put(w.writeId(), report);
        } else if (result.outcomes().containsKey(w.writeId())) {
          done.add(w.writeId());
          if (result.outcomes().get(w.writeId()) == VersionedProduct.Outcome.SUPERSEDED) {
            lost.add(w.writeId());
          }
        } else {
          failed.put(w.writeId(), Failure.ofDependency(dependency + ": the write was not tried"));
        }
      }
      return new SaveOutcome(done, failed, lost);
    });
  }

  /**
   * One object per product state, at most {@code putsInFlight} at once: a group may hold a thousand products, and the
   * SDK would queue whatever its connections cannot take, each queued call nearer its deadline. No wave starts once
   * the deadline has (nearly) passed: the products left are handed on as S3's fault (a slow S3 is not theirs).
   */
  private Future<Void> writeOwn(List<ProductRecord> records, int from, Map<String, Failure> failed,
                                Deadline deadline) {
    if (from >= records.size()) {
      return Future.succeededFuture();
    }
    if (deadline.remaining().toMillis() < MIN_CALL_MILLIS) {
      Failure late = Failure.ofDependency("S3: the report was not written before the save's deadline");
      records.subList(from, records.size()).forEach(r -> failed.put(r.id(), late));
      metrics.deadlinePassed(records.size() - from);
      return Future.succeededFuture();
    }
    List<Future<Void>> puts = new ArrayList<>();
    Duration timeout = deadline.callTimeout(callTimeout);
    for (ProductRecord r : records.subList(from, Math.min(records.size(), from + putsInFlight))) {
      puts.add(reports.put(r.report().key(), render(r), ProductReport.CONTENT_TYPE, timeout)
          .onFailure(error -> failed.put(r.id(), Dependencies.failure("S3", error))));
    }
    return Future.join(puts).transform(done -> {
      metrics.reportObjects((int) puts.stream().filter(Future::succeeded).count());
      return writeOwn(records, from + putsInFlight, failed, deadline);
    });
  }

  /** Batched mode: each object that holds a written record's report; it stores them all or none. */
  private Future<Void> writeObjects(List<ProductRecord> records, List<BatchReport> objects,
                                    Map<String, Failure> failed, Deadline deadline) {
    Map<String, List<String>> owners = new HashMap<>();
    records.forEach(r -> owners.computeIfAbsent(r.report().key(), k -> new ArrayList<>()).add(r.id()));
    List<Future<Void>> puts = new ArrayList<>();
    for (BatchReport object : objects) {
      List<String> ids = owners.get(object.key());
      if (ids == null) {
        continue; // none of its records was written (all conflicts): nothing points at it
      }
      if (deadline.remaining().toMillis() < MIN_CALL_MILLIS) {
        Failure late = Failure.ofDependency("S3: the report was not written before the save's deadline");
        ids.forEach(id -> failed.put(id, late));
        metrics.deadlinePassed(ids.size());
        continue;
      }
      puts.add(reports.put(object.key(), object.content(), ProductReport.CONTENT_TYPE,
              deadline.callTimeout(callTimeout))
          .onSuccess(v -> metrics.reportObjects(1))
          .onFailure(error -> {
            Failure failure = Dependencies.failure("S3", error);
            ids.forEach(id -> failed.put(id, failure));
          }));
    }
    return Future.join(puts).transform(done -> Future.succeededFuture());
  }

  private void record(Map<String, Write> writes, SaveOutcome outcome, long started, Instant startedAt,
                      Map<String, String> traces) {
    Instant now = Instant.now();
    boolean traced = tracing.enabled() || JOURNEY.isInfoEnabled();
    int superseded = 0;
    for (Write write : writes.values()) {
      String id = write.writeId();
      boolean done = outcome.stored().contains(id);
      TraceContext parent = traced ? TraceContext.parse(traces.get(id)) : null;
      Span span = tracing.enabled() ? tracing.start("store product", SpanKind.CONSUMER, parent, startedAt) : null;
      if (span != null) {
        Failure failure = outcome.failed().get(id);
        Tracing.end(span, write.productId(), done, failure == null ? null : failure.toString());
      }
      if (!done) {
        continue;
      }
      Duration lag = Duration.between(write.stamp().acceptedAt(), now);
      boolean lost = outcome.superseded().contains(id);
      if (lost) {
        superseded++;
      } else {
        metrics.stored(lag);
      }
      if (JOURNEY.isInfoEnabled()) {
        TraceContext trace = span != null ? Tracing.contextOf(span, parent) : parent == null ? null : parent.child();
        JOURNEY.atInfo().addKeyValue("event", lost ? "superseded" : "stored")
            .addKeyValue("productId", write.productId())
            .addKeyValue("writeId", id).addKeyValue("op", write.kind().name().toLowerCase(java.util.Locale.ROOT))
            .addKeyValue("version", write.stamp().version())
            .addKeyValue("traceId", trace == null ? null : trace.traceId())
            .addKeyValue("spanId", trace == null ? null : trace.spanId())
            .addKeyValue("acceptToStoredMs", lag.toMillis())
            .log(lost ? "write superseded by a later one" : "product stored");
      }
    }
    metrics.superseded(superseded);
    metrics.storeFailures(outcome.failed().size());
    metrics.storeBatch(System.nanoTime() - started, writes.size());
  }
}
