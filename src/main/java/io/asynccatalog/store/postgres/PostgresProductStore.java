package io.asynccatalog.store.postgres;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.domain.StoredProduct;
import io.asynccatalog.store.ProductRecord;
import io.asynccatalog.store.ProductStore;
import io.asynccatalog.versions.StateCodec;
import io.asynccatalog.versions.VersionClock;
import io.asynccatalog.versions.VersionedProduct;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The product table in PostgreSQL. A group of records is written in one statement, one round trip: the records'
 * columns as arrays, unnested once; those expected absent are inserted ({@code ON CONFLICT DO NOTHING}), the others
 * updated where the row still has the revision read. The ids the statement returns are written; the others were
 * written meanwhile by someone else (a conflict: the converger reads and merges again). Pages are in id order with
 * keyset pagination, shown products only. Statements are prepared and parameterized only.
 */
public final class PostgresProductStore implements ProductStore {
  public static final String DEPENDENCY = "postgres";
  private static final String COLUMNS = "id, name, description, price, currency, sku, category, created_at, stored_at, "
      + "report_key, report_offset, report_length, stamps, rev, visible, expires_at";
  private static final String WRITE = "WITH u AS (SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], "
      + "$4::text[]::numeric[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], "
      + "$11::bigint[], $12::int[], $13::text[], $14::bigint[], $15::boolean[], $16::timestamptz[], $17::bigint[]) "
      + "AS u(" + COLUMNS + ", expected)), "
      + "ins AS (INSERT INTO products (" + COLUMNS + ") SELECT " + COLUMNS + " FROM u WHERE expected = -1 "
      + "ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id), "
      // the rows to update, locked in id order, as every group locks them: two groups never wait on each other
      + "lck AS (SELECT p.id FROM products p JOIN u ON p.id = u.id AND u.expected >= 0 ORDER BY p.id FOR UPDATE OF p), "
      + "upd AS (UPDATE products p SET name = u.name, description = u.description, price = u.price, "
      + "currency = u.currency, sku = u.sku, category = u.category, created_at = u.created_at, "
      + "stored_at = u.stored_at, report_key = u.report_key, report_offset = u.report_offset, "
      + "report_length = u.report_length, stamps = u.stamps, rev = u.rev, visible = u.visible, "
      + "expires_at = u.expires_at FROM u JOIN lck ON lck.id = u.id WHERE p.id = u.id AND p.rev = u.expected "
      + "RETURNING p.id) "
      + "SELECT id FROM ins UNION ALL SELECT id FROM upd";
  private static final String GET = "SELECT " + COLUMNS + " FROM products WHERE id = $1 AND visible";
  private static final String RECORDS = "SELECT " + COLUMNS + " FROM products WHERE id = ANY($1::uuid[])";
  private static final String FIRST_PAGE = "SELECT " + COLUMNS + " FROM products WHERE visible ORDER BY id LIMIT $1";
  private static final String NEXT_PAGE = "SELECT " + COLUMNS + " FROM products WHERE visible AND id > $1 "
      + "ORDER BY id LIMIT $2";

  private final Pool pool;
  private final CircuitBreaker breaker;
  private final java.time.Duration readTimeout;

  /**
   * {@code readTimeout}: the deadline of a read that has none of its own (a GET, a page, the gate's probe), so that a
   * black-holed connection fails it in time, counted by the breaker, instead of holding it until the connection's
   * silence is noticed.
   */
  public PostgresProductStore(Pool pool, CircuitBreaker breaker, java.time.Duration readTimeout) {
    this.pool = pool;
    this.breaker = breaker;
    this.readTimeout = readTimeout;
  }

  @Override
  public String dependency() {
    return DEPENDENCY;
  }

  /**
   * One statement for the group. PostgreSQL refuses a statement whole when one row is bad, so then each record is
   * written on its own (pipelined on the pool's connections) to find the bad one and write the others. The wait
   * ends at the deadline; the server ends the statement itself at its {@code statement_timeout}, which is the call
   * timeout, no longer than a save (see {@code PostgresSettings}).
   */
  @Override
  public Future<Written> write(List<Change> changes, Deadline deadline) {
    if (changes.isEmpty()) {
      return Future.succeededFuture(new Written(Set.of(), Set.of(), Map.of()));
    }
    List<Change> ordered = new ArrayList<>(changes);
    ordered.sort(java.util.Comparator.comparing(c -> UUID.fromString(c.record().id()))); // as the rows are locked
    return breaker.<Written>execute(() -> within(deadline, pool.preparedQuery(WRITE).execute(columns(ordered)))
            .map(rows -> outcome(ordered, rows))
            .recover(error -> contended(error)
                ? Future.succeededFuture(new Written(Set.of(), ids(ordered), Map.of()))
                : Future.failedFuture(error)))
        .recover(error -> changes.size() > 1 && !Dependencies.isOutage(error)
            ? oneByOne(ordered, deadline)
            : Future.failedFuture(error));
  }

  /**
   * A deadlock or a serialization failure: the statement was rolled back whole because of other writers, not
   * because of these records. Nothing was written, so every record is a conflict: read and merged again.
   */
  private static boolean contended(Throwable error) {
    return Dependencies.unwrap(error) instanceof io.vertx.pgclient.PgException pg
        && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
  }

  private static Set<String> ids(List<Change> changes) {
    Set<String> ids = new HashSet<>();
    changes.forEach(c -> ids.add(c.record().id()));
    return ids;
  }

  private static Written outcome(List<Change> changes, RowSet<Row> rows) {
    Set<String> written = new HashSet<>();
    rows.forEach(row -> written.add(row.getUUID(0).toString()));
    Set<String> conflicts = new HashSet<>();
    changes.forEach(c -> {
      if (!written.contains(c.record().id())) {
        conflicts.add(c.record().id());
      }
    });
    return new Written(written, conflicts, Map.of());
  }

  private Future<Written> oneByOne(List<Change> changes, Deadline deadline) {
    Map<String, Future<Written>> writes = new HashMap<>();
    for (Change change : changes) {
      writes.put(change.record().id(), breaker.execute(() -> within(deadline,
          pool.preparedQuery(WRITE).execute(columns(List.of(change)))).map(rows -> outcome(List.of(change), rows))
          .recover(error -> contended(error)
              ? Future.succeededFuture(new Written(Set.of(), Set.of(change.record().id()), Map.of()))
              : Future.failedFuture(error))));
    }
    return Future.join(new ArrayList<>(writes.values())).transform(done -> {
      Set<String> written = new HashSet<>();
      Set<String> conflicts = new HashSet<>();
      Map<String, Failure> failed = new HashMap<>();
      writes.forEach((id, write) -> {
        if (write.succeeded()) {
          written.addAll(write.result().written());
          conflicts.addAll(write.result().conflicts());
        } else {
          failed.put(id, Dependencies.failure("PostgreSQL", write.cause()));
        }
      });
      return Future.succeededFuture(new Written(written, conflicts, failed));
    });
  }

  /** The statement's result, or a timeout failure (an outage: the database did not answer in time) at the deadline. */
  private static <T> Future<T> within(Deadline deadline, Future<T> statement) {
    long left = Math.max(1, deadline.remaining().toMillis());
    return statement.timeout(left, TimeUnit.MILLISECONDS);
  }

  /** The group as arrays, one per column, in the order of {@link #COLUMNS}, then the expected revisions. */
  private static Tuple columns(List<Change> changes) {
    int n = changes.size();
    UUID[] id = new UUID[n];
    String[][] fields = new String[VersionedProduct.FIELDS.size()][n];
    OffsetDateTime[] createdAt = new OffsetDateTime[n];
    OffsetDateTime[] storedAt = new OffsetDateTime[n];
    String[] reportKey = new String[n];
    Long[] reportOffset = new Long[n];
    Integer[] reportLength = new Integer[n];
    String[] stamps = new String[n];
    Long[] rev = new Long[n];
    Boolean[] visible = new Boolean[n];
    OffsetDateTime[] expiresAt = new OffsetDateTime[n];
    Long[] expected = new Long[n];
    for (int i = 0; i < n; i++) {
      ProductRecord record = changes.get(i).record();
      id[i] = UUID.fromString(record.id());
      for (int f = 0; f < VersionedProduct.FIELDS.size(); f++) {
        fields[f][i] = record.state().value(VersionedProduct.FIELDS.get(f));
      }
      createdAt[i] = record.visible() ? utc(record.product().createdAt()) : null;
      storedAt[i] = utc(record.storedAt());
      ReportLocation report = record.report();
      reportKey[i] = report == null ? null : report.key();
      reportOffset[i] = report != null && report.isRange() ? report.offset() : null;
      reportLength[i] = report != null && report.isRange() ? report.length() : null;
      stamps[i] = record.stamps();
      rev[i] = record.rev();
      visible[i] = record.visible();
      expiresAt[i] = record.expiresAt() == null ? null : utc(record.expiresAt());
      expected[i] = changes.get(i).expectedRev();
    }
    // FIELDS: name, description, price, currency, sku, category (the price as its decimal text, cast by the statement)
    return Tuple.wrap(new Object[] {id, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], createdAt,
        storedAt, reportKey, reportOffset, reportLength, stamps, rev, visible, expiresAt, expected});
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  @Override
  public Future<Optional<StoredProduct>> get(String id) {
    return breaker.execute(() -> within(Deadline.in(readTimeout),
            pool.preparedQuery(GET).execute(Tuple.of(UUID.fromString(id))))
        .map(rows -> rows.size() == 0 ? Optional.<StoredProduct>empty()
            : Optional.of(read(rows.iterator().next()).shown())));
  }

  @Override
  public Future<Map<String, ProductRecord>> records(Collection<String> ids, Deadline deadline) {
    UUID[] keys = ids.stream().distinct().map(UUID::fromString).toArray(UUID[]::new);
    return breaker.execute(() -> within(deadline, pool.preparedQuery(RECORDS).execute(Tuple.of((Object) keys)))
        .map(rows -> {
          Map<String, ProductRecord> found = new HashMap<>();
          rows.forEach(row -> {
            ProductRecord record = read(row);
            found.put(record.id(), record);
          });
          return found;
        }));
  }

  /** Keyset pagination in id order: the cursor is the last id of the page before. */
  @Override
  public Future<Page> page(int limit, String afterId) {
    Tuple page = afterId == null ? Tuple.of(limit + 1) : Tuple.of(UUID.fromString(afterId), limit + 1);
    String sql = afterId == null ? FIRST_PAGE : NEXT_PAGE;
    Future<RowSet<Row>> rows = breaker.execute(() -> within(Deadline.in(readTimeout),
        pool.preparedQuery(sql).execute(page)));
    return rows.map(set -> {
      List<StoredProduct> products = new ArrayList<>(limit);
      boolean more = false;
      for (Row row : set) {
        if (products.size() == limit) {
          more = true; // one row past the page: there is a next page
          break;
        }
        products.add(read(row).shown());
      }
      return new Page(products, more ? products.get(products.size() - 1).product().id() : null);
    });
  }

  private static ProductRecord read(Row row) {
    String id = row.getUUID("id").toString();
    Function<String, String> valueOf = field -> {
      if ("price".equals(field)) {
        BigDecimal price = row.getBigDecimal("price");
        return price == null ? null : price.toPlainString();
      }
      return row.getString(field);
    };
    String stamps = row.getString("stamps");
    VersionedProduct state = stamps == null
        ? StateCodec.created(id, VersionClock.microsOf(row.getOffsetDateTime("created_at").toInstant()), valueOf)
        : StateCodec.decode(stamps, valueOf);
    Long offset = row.getLong("report_offset");
    String reportKey = row.getString("report_key");
    ReportLocation report = reportKey == null ? null : offset == null
        ? ReportLocation.whole(reportKey)
        : new ReportLocation(reportKey, offset, row.getInteger("report_length"));
    OffsetDateTime expires = row.getOffsetDateTime("expires_at");
    return new ProductRecord(id, state, row.getLong("rev"), row.getOffsetDateTime("stored_at").toInstant(), report,
        expires == null ? null : expires.toInstant());
  }
}
