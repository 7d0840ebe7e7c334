package io.asynccatalog.worker;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.store.ProductRecord;
import io.asynccatalog.store.ProductStore;
import io.asynccatalog.versions.VersionedProduct;
import io.asynccatalog.versions.Write;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Merges a group of writes into their products in the store, whatever order they come in: for each product, the
 * record as stored now (or, for a product whose only writes are first deliveries of creates, its absence, without a
 * read), the writes applied to it field by field ({@link VersionedProduct}), and the result written on the condition
 * that nobody wrote the product meanwhile. A product someone did write meanwhile is read and merged again, until the
 * deadline. A product whose writes all lost to later ones is not written: they are done. A product whose writes
 * were all applied before (delivered again) is written again with its report, so that a report whose write failed
 * after the product's is written now; with batched reports, only when its report object is not there (writing it
 * again would leave the object it points at without a reader).
 */
public final class Converger {
  /** Less time than this left before the deadline: no further round is started. */
  private static final long MIN_ROUND_MILLIS = 100;

  /** Where the reports of the records a round writes will be; called once per round with its visible records. */
  public interface ReportPlan {
    Map<String, ReportLocation> locate(List<ProductRecord> records);
  }

  /**
   * What became of the writes: by write id, each write's outcome against its product, or why it was not stored; by
   * product id, the records written.
   */
  public record Result(Map<String, VersionedProduct.Outcome> outcomes, Map<String, Failure> failed,
                       Map<String, ProductRecord> written) {}

  private final ProductStore store;
  private final Duration tombstoneTtl;
  private final BiFunction<ReportLocation, Deadline, Future<Boolean>> reportExists;

  /**
   * {@code reportExists}: whether the report object a record points at is there (HeadObject, within the deadline);
   * null when reports are one object per product state, which is as cheap to write again as to look for (a product
   * delivered again is then always written again, with its report).
   */
  public Converger(ProductStore store, Duration tombstoneTtl,
                   BiFunction<ReportLocation, Deadline, Future<Boolean>> reportExists) {
    this.store = store;
    this.tombstoneTtl = tombstoneTtl;
    this.reportExists = reportExists;
  }

  /** {@code again}: the write ids that may have been stored before (a redelivery, a re-publication). */
  public Future<Result> save(List<Write> writes, Set<String> again, Deadline deadline, ReportPlan plan) {
    Map<String, List<Write>> byProduct = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (Write write : writes) {
      if (seen.add(write.writeId())) {
        byProduct.computeIfAbsent(write.productId(), id -> new ArrayList<>()).add(write);
      }
    }
    Set<String> toRead = new HashSet<>();
    byProduct.forEach((id, list) -> {
      if (list.stream().anyMatch(w -> !w.isCreate() || again.contains(w.writeId()))) {
        toRead.add(id);
      }
    });
    Result result = new Result(new HashMap<>(), new HashMap<>(), new HashMap<>());
    return round(byProduct, new ArrayList<>(byProduct.keySet()), toRead, deadline, plan, result).map(result);
  }

  private Future<Void> round(Map<String, List<Write>> byProduct, List<String> pending, Set<String> toRead,
                             Deadline deadline, ReportPlan plan, Result result) {
    Future<Map<String, ProductRecord>> read = toRead.isEmpty() ? Future.succeededFuture(Map.of())
        : store.records(toRead, deadline);
    return read.transform(reading -> {
      if (reading.failed()) {
        fail(byProduct, pending, Dependencies.failure(store.dependency(), reading.cause()), result);
        return Future.succeededFuture();
      }
      Map<String, VersionedProduct> merged = new LinkedHashMap<>();
      Map<String, ReportLocation> recheck = new HashMap<>();
      for (String id : pending) {
        ProductRecord base = reading.result().get(id);
        VersionedProduct state = base == null ? VersionedProduct.none() : base.state();
        boolean applied = false;
        boolean again = false;
        for (Write w : byProduct.get(id)) {
          VersionedProduct.Applied step = state.apply(w.change());
          result.outcomes().put(w.writeId(), step.outcome());
          state = step.product();
          applied |= step.outcome() == VersionedProduct.Outcome.APPLIED;
          again |= step.outcome() == VersionedProduct.Outcome.ALREADY_APPLIED;
        }
        if (applied) {
          merged.put(id, state);
        } else if (again && base.visible()) {
          if (base.report() == null || reportExists == null) {
            merged.put(id, state);
          } else {
            recheck.put(id, base.report());
          }
        }
      }
      return missingReports(recheck, deadline).compose(missing -> {
        missing.forEach(id -> merged.put(id, reading.result().get(id).state()));
        return write(byProduct, merged, reading.result(), deadline, plan, result);
      });
    });
  }

  /** Of the products delivered again, those whose report object is not there (or cannot be checked now). */
  private Future<List<String>> missingReports(Map<String, ReportLocation> recheck, Deadline deadline) {
    if (recheck.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Map<String, Future<Boolean>> byKey = new HashMap<>();
    recheck.values().forEach(location -> byKey.computeIfAbsent(location.key(), k -> reportExists.apply(location, deadline)));
    return Future.join(new ArrayList<>(byKey.values())).transform(done -> {
      List<String> missing = new ArrayList<>();
      recheck.forEach((id, location) -> {
        Future<Boolean> exists = byKey.get(location.key());
        if (exists.failed() || !exists.result()) {
          missing.add(id);
        }
      });
      return Future.succeededFuture(missing);
    });
  }

  private Future<Void> write(Map<String, List<Write>> byProduct, Map<String, VersionedProduct> merged,
                             Map<String, ProductRecord> read, Deadline deadline, ReportPlan plan, Result result) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<ProductRecord> records = new ArrayList<>();
    Map<String, Long> expected = new HashMap<>();
    merged.forEach((id, state) -> {
      ProductRecord base = read.get(id);
      records.add(new ProductRecord(id, state, base == null ? 1 : base.rev() + 1, now, null,
          state.visible() ? null : now.plus(tombstoneTtl)));
      expected.put(id, base == null ? ProductRecord.ABSENT : base.rev());
    });
    Map<String, ReportLocation> locations = plan.locate(records.stream().filter(ProductRecord::visible).toList());
    List<ProductStore.Change> changes = new ArrayList<>(records.size());
    for (ProductRecord r : records) {
      changes.add(new ProductStore.Change(new ProductRecord(r.id(), r.state(), r.rev(), r.storedAt(),
          locations.get(r.id()), r.expiresAt()), expected.get(r.id())));
    }
    if (changes.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.write(changes, deadline).transform(writing -> {
      if (writing.failed()) {
        List<String> ids = changes.stream().map(c -> c.record().id()).toList();
        fail(byProduct, ids, Dependencies.failure(store.dependency(), writing.cause()), result);
        return Future.succeededFuture();
      }
      ProductStore.Written written = writing.result();
      for (ProductStore.Change change : changes) {
        String id = change.record().id();
        if (written.written().contains(id)) {
          result.written().put(id, change.record());
        } else if (!written.conflicts().contains(id)) {
          Failure failure = written.failed().getOrDefault(id,
              Failure.ofDependency(store.dependency() + ": the write was not tried"));
          fail(byProduct, List.of(id), failure, result);
        }
      }
      List<String> conflicts = new ArrayList<>(written.conflicts());
      if (conflicts.isEmpty()) {
        return Future.succeededFuture();
      }
      if (deadline.remaining().toMillis() < MIN_ROUND_MILLIS) {
        fail(byProduct, conflicts, Failure.ofDependency(store.dependency()
            + ": the product was written by another saver each time until the save's deadline"), result);
        return Future.succeededFuture();
      }
      return round(byProduct, conflicts, new HashSet<>(conflicts), deadline, plan, result);
    });
  }

  private static void fail(Map<String, List<Write>> byProduct, List<String> ids, Failure failure, Result result) {
    for (String id : ids) {
      for (Write w : byProduct.get(id)) {
        result.outcomes().remove(w.writeId());
        result.failed().put(w.writeId(), failure);
      }
    }
  }
}
