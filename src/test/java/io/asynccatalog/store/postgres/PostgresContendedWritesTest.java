package io.asynccatalog.store.postgres;

import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.store.ProductRecord;
import io.asynccatalog.store.ProductStore.Change;
import io.asynccatalog.store.ProductStore.Written;
import io.asynccatalog.testing.SharedLocalPostgres;
import io.asynccatalog.versions.VersionedProduct;
import io.asynccatalog.versions.Write;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Groups that hold the same hot products, written at once in opposite orders (as concurrent savers of upserts to a
 * hot set do): each row is locked in id order by every group, so no two groups deadlock, and of two groups that read
 * the same revision exactly one writes each row; the other gets conflicts, never failures.
 */
class PostgresContendedWritesTest {
  private static final int PRODUCTS = 60;
  private static final int ROUNDS = 15;

  @Test
  void concurrentGroupsOnTheSameRowsInOppositeOrdersNeverDeadlockOrFail() throws Exception {
    PostgresSettings settings = PostgresSettings.from(SharedLocalPostgres.newDatabase("contended"), Map.of(), 4);
    PostgresSchema.prepare(settings, true);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(settings.connectOptions())
        .using(vertx).build();
    CircuitBreaker breaker = CircuitBreaker.create("contended", vertx, new CircuitBreakerOptions().setTimeout(-1));
    PostgresProductStore store = new PostgresProductStore(pool, breaker, Duration.ofSeconds(10));
    try {
      List<String> ids = new ArrayList<>();
      List<Change> creates = new ArrayList<>();
      for (int i = 0; i < PRODUCTS; i++) {
        String id = ProductIds.next();
        ids.add(id);
        creates.add(new Change(record(id, "Hot " + i, 1), ProductRecord.ABSENT));
      }
      Written created = store.write(creates, Deadline.in(Duration.ofSeconds(10))).await(20, TimeUnit.SECONDS);
      assertEquals(PRODUCTS, created.written().size(), "created: " + created);
      long deadlocksBefore = deadlocks(pool);

      for (int round = 0; round < ROUNDS; round++) {
        long rev = round + 1; // the revision both groups read
        List<Change> up = new ArrayList<>();
        for (String id : ids) {
          up.add(new Change(record(id, "Round " + round + " up", rev + 1), rev));
        }
        List<Change> down = new ArrayList<>();
        for (String id : ids) {
          down.add(new Change(record(id, "Round " + round + " down", rev + 1), rev));
        }
        Collections.reverse(down);
        Future<Written> a = store.write(up, Deadline.in(Duration.ofSeconds(10)));
        Future<Written> b = store.write(down, Deadline.in(Duration.ofSeconds(10)));
        Future.all(a, b).await(30, TimeUnit.SECONDS);
        Written wa = a.result();
        Written wb = b.result();
        assertTrue(wa.failed().isEmpty() && wb.failed().isEmpty(), "round " + round + ": no failure: " + wa + " "
            + wb);
        Set<String> both = new HashSet<>(wa.written());
        both.retainAll(wb.written());
        assertTrue(both.isEmpty(), "round " + round + ": a row written by both groups on one revision: " + both);
        Set<String> settled = new HashSet<>(wa.written());
        settled.addAll(wb.written());
        assertEquals(new HashSet<>(ids), settled, "round " + round + ": every row written by one of them");
      }
      assertEquals(deadlocksBefore, deadlocks(pool), "PostgreSQL counted deadlocks");
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static ProductRecord record(String id, String name, long rev) {
    Product product = new Product(id, name, null, new BigDecimal("1.50"), "USD", null, null,
        Instant.now().truncatedTo(ChronoUnit.MICROS));
    VersionedProduct state = VersionedProduct.none().apply(Write.create(product).change()).product();
    return new ProductRecord(id, state, rev, Instant.now(), null, null);
  }

  private static long deadlocks(Pool pool) throws Exception {
    return pool.query("SELECT pg_stat_clear_snapshot()").execute()
        .compose(v -> pool.query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            .execute())
        .map(rows -> rows.iterator().next().getLong(0)).await(10, TimeUnit.SECONDS);
  }
}
