package io.asynccatalog.store.postgres;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.domain.StoredProduct;
import io.asynccatalog.store.ProductStore;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The product table in PostgreSQL. A stored group is one statement, one round trip: the products' columns as arrays,
 * unnested into rows, upserted by id. A product is fixed at ingest, so a redelivery rewrites its row with the same
 * fields; {@code stored_at} and the report location are the latest write's, as in DynamoDB. Pages are in id order,
 * which is acceptance order (UUIDv7), with keyset pagination. Statements are prepared and parameterized only.
 */
public final class PostgresProductStore implements ProductStore {
  public static final String DEPENDENCY = "postgres";
  private static final String COLUMNS = "id, name, description, price, currency, sku, category, created_at, stored_at, "
      + "report_key, report_offset, report_length";
  private static final String UPSERT = "INSERT INTO products (" + COLUMNS + ") "
      + "SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[]::numeric[], $5::text[], $6::text[], $7::text[], "
      + "$8::timestamptz[], $9::timestamptz[], $10::text[], $11::bigint[], $12::int[]) "
      + "ON CONFLICT (id) DO UPDATE SET stored_at = EXCLUDED.stored_at, report_key = EXCLUDED.report_key, "
      + "report_offset = EXCLUDED.report_offset, report_length = EXCLUDED.report_length";
  private static final String GET = "SELECT " + COLUMNS + " FROM products WHERE id = $1";
  private static final String GET_ALL = "SELECT " + COLUMNS + " FROM products WHERE id = ANY($1::uuid[])";
  private static final String FIRST_PAGE = "SELECT " + COLUMNS + " FROM products ORDER BY id LIMIT $1";
  private static final String NEXT_PAGE = "SELECT " + COLUMNS + " FROM products WHERE id > $1 ORDER BY id LIMIT $2";

  private final Pool pool;
  private final CircuitBreaker breaker;

  public PostgresProductStore(Pool pool, CircuitBreaker breaker) {
    this.pool = pool;
    this.breaker = breaker;
  }

  @Override
  public String dependency() {
    return DEPENDENCY;
  }

  /**
   * One statement for the group. PostgreSQL refuses a statement whole when one row is bad, so then each product is
   * written on its own (pipelined on the pool's connections) to find the bad one and store the others. The wait
   * ends at the deadline; the server ends the statement itself at its {@code statement_timeout}, which is the call
   * timeout, no longer than a save (see {@code PostgresSettings}).
   */
  @Override
  public Future<Written> putAll(List<StoredProduct> products, Deadline deadline) {
    if (products.isEmpty()) {
      return Future.succeededFuture(new Written(Set.of(), Map.of()));
    }
    Set<String> ids = new LinkedHashSet<>();
    products.forEach(p -> ids.add(p.product().id()));
    return breaker.<Written>execute(() -> within(deadline, pool.preparedQuery(UPSERT).execute(columns(products)))
            .map(done -> new Written(ids, Map.of())))
        .recover(error -> products.size() > 1 && !Dependencies.isOutage(error)
            ? oneByOne(products, deadline)
            : Future.failedFuture(error));
  }

  private Future<Written> oneByOne(List<StoredProduct> products, Deadline deadline) {
    Map<String, Future<?>> writes = new HashMap<>();
    for (StoredProduct p : products) {
      writes.put(p.product().id(), breaker.execute(() -> within(deadline,
          pool.preparedQuery(UPSERT).execute(columns(List.of(p))))));
    }
    return Future.join(new ArrayList<>(writes.values())).transform(done -> {
      Set<String> written = new HashSet<>();
      Map<String, Failure> failed = new HashMap<>();
      writes.forEach((id, write) -> {
        if (write.succeeded()) {
          written.add(id);
        } else {
          failed.put(id, Dependencies.failure("PostgreSQL", write.cause()));
        }
      });
      return Future.succeededFuture(new Written(written, failed));
    });
  }

  /** The statement's result, or a timeout failure (an outage: the database did not answer in time) at the deadline. */
  private static <T> Future<T> within(Deadline deadline, Future<T> statement) {
    long left = Math.max(1, deadline.remaining().toMillis());
    return statement.timeout(left, TimeUnit.MILLISECONDS);
  }

  /** The group as twelve arrays, one per column, in the order of {@link #COLUMNS}. */
  private static Tuple columns(List<StoredProduct> products) {
    int n = products.size();
    UUID[] id = new UUID[n];
    String[] name = new String[n];
    String[] description = new String[n];
    String[] price = new String[n]; // exact: the decimal's text, cast to numeric by the statement
    String[] currency = new String[n];
    String[] sku = new String[n];
    String[] category = new String[n];
    OffsetDateTime[] createdAt = new OffsetDateTime[n];
    OffsetDateTime[] storedAt = new OffsetDateTime[n];
    String[] reportKey = new String[n];
    Long[] reportOffset = new Long[n];
    Integer[] reportLength = new Integer[n];
    for (int i = 0; i < n; i++) {
      StoredProduct stored = products.get(i);
      Product p = stored.product();
      id[i] = UUID.fromString(p.id());
      name[i] = p.name();
      description[i] = p.description();
      price[i] = p.price().toPlainString();
      currency[i] = p.currency();
      sku[i] = p.sku();
      category[i] = p.category();
      createdAt[i] = p.createdAt().atOffset(ZoneOffset.UTC);
      storedAt[i] = stored.storedAt().atOffset(ZoneOffset.UTC);
      ReportLocation report = stored.report();
      reportKey[i] = report.key();
      reportOffset[i] = report.isRange() ? report.offset() : null;
      reportLength[i] = report.isRange() ? report.length() : null;
    }
    return Tuple.wrap(new Object[] {id, name, description, price, currency, sku, category, createdAt, storedAt,
        reportKey, reportOffset, reportLength});
  }

  @Override
  public Future<Optional<StoredProduct>> get(String id) {
    return breaker.execute(() -> pool.preparedQuery(GET).execute(Tuple.of(UUID.fromString(id)))
        .map(rows -> rows.size() == 0 ? Optional.<StoredProduct>empty() : Optional.of(read(rows.iterator().next()))));
  }

  @Override
  public Future<Map<String, StoredProduct>> getAll(Collection<String> ids) {
    UUID[] keys = ids.stream().distinct().map(UUID::fromString).toArray(UUID[]::new);
    return breaker.execute(() -> pool.preparedQuery(GET_ALL).execute(Tuple.of(keys)).map(rows -> {
      Map<String, StoredProduct> found = new HashMap<>();
      rows.forEach(row -> {
        StoredProduct p = read(row);
        found.put(p.product().id(), p);
      });
      return found;
    }));
  }

  /** Keyset pagination in id order: the cursor is the last id of the page before. */
  @Override
  public Future<Page> page(int limit, String afterId) {
    Tuple page = afterId == null ? Tuple.of(limit + 1) : Tuple.of(UUID.fromString(afterId), limit + 1);
    String sql = afterId == null ? FIRST_PAGE : NEXT_PAGE;
    Future<RowSet<Row>> rows = breaker.execute(() -> pool.preparedQuery(sql).execute(page));
    return rows.map(set -> {
      List<StoredProduct> products = new ArrayList<>(limit);
      boolean more = false;
      for (Row row : set) {
        if (products.size() == limit) {
          more = true; // one row past the page: there is a next page
          break;
        }
        products.add(read(row));
      }
      return new Page(products, more ? products.get(products.size() - 1).product().id() : null);
    });
  }

  private static StoredProduct read(Row row) {
    Product product = new Product(row.getUUID("id").toString(), row.getString("name"), row.getString("description"),
        row.getBigDecimal("price"), row.getString("currency"), row.getString("sku"), row.getString("category"),
        instant(row.getOffsetDateTime("created_at")));
    Long offset = row.getLong("report_offset");
    ReportLocation report = offset == null
        ? ReportLocation.whole(row.getString("report_key"))
        : new ReportLocation(row.getString("report_key"), offset, row.getInteger("report_length"));
    return new StoredProduct(product, instant(row.getOffsetDateTime("stored_at")), report);
  }

  private static Instant instant(OffsetDateTime time) {
    return time.toInstant();
  }
}
