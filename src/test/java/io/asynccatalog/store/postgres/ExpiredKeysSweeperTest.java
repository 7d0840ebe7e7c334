package io.asynccatalog.store.postgres;

import io.asynccatalog.testing.SharedLocalPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every instance sweeps expired keys each minute: one sweeping while another holds some of the same rows takes the
 * others instead of waiting for them and deleting them twice.
 */
class ExpiredKeysSweeperTest {

  @Test
  void aSweepSkipsRowsAnotherSweepIsDeletingInsteadOfWaitingForThem() throws Exception {
    PostgresSettings settings = PostgresSettings.from(SharedLocalPostgres.newDatabase("sweeper"), Map.of(), 2);
    PostgresSchema.prepare(settings, true);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(settings.connectOptions())
        .using(vertx).build();
    try {
      pool.query("INSERT INTO idempotency_keys (key, request_hash, created_at, product_ids, expires_at) "
          + "SELECT 'k' || n, 'h', now(), '{}', now() - interval '1 hour' FROM generate_series(1, 10) n")
          .execute().await(10, TimeUnit.SECONDS);
      SqlConnection other = pool.getConnection().await(10, TimeUnit.SECONDS);
      Transaction otherSweep = other.begin().await(10, TimeUnit.SECONDS);
      other.query("SELECT key FROM idempotency_keys WHERE key IN ('k1', 'k2', 'k3', 'k4') FOR UPDATE")
          .execute().await(10, TimeUnit.SECONDS);

      // without SKIP LOCKED this waits for the other transaction, and the await times out
      assertEquals(6, ExpiredKeysSweeper.sweep(pool, 100).await(5, TimeUnit.SECONDS),
          "the rows nobody holds, at once");
      otherSweep.commit().await(10, TimeUnit.SECONDS);
      other.close().await(10, TimeUnit.SECONDS);
      assertEquals(4, ExpiredKeysSweeper.sweep(pool, 100).await(5, TimeUnit.SECONDS), "the rest, once released");
      assertEquals(0, ExpiredKeysSweeper.sweep(pool, 100).await(5, TimeUnit.SECONDS));
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
