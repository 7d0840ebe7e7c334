package io.asynccatalog.store.postgres;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Deletes expired idempotency keys and expired tombstones (products deleted, or only patched, long enough ago that no
 * older write can arrive any more), a bounded number at a time, as DynamoDB's TTL does for its tables. Every instance
 * sweeps; rows another instance is deleting (or a saver is writing) at that moment are skipped, not waited for.
 */
public final class ExpiredKeysSweeper extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ExpiredKeysSweeper.class);
  // SKIP LOCKED: instances sweeping at once take different rows instead of queueing behind each other's locks and
  // deleting the same rows twice
  static final String SWEEP = "DELETE FROM idempotency_keys WHERE key IN "
      + "(SELECT key FROM idempotency_keys WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)";
  static final String SWEEP_TOMBSTONES = "DELETE FROM products WHERE id IN "
      + "(SELECT id FROM products WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)";
  private static final int PER_SWEEP = 10_000;

  private final Pool pool;
  private final Duration every;
  private long timer;

  public ExpiredKeysSweeper(Pool pool, Duration every) {
    this.pool = pool;
    this.every = every;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(every.toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void sweep() {
    sweepTombstones(pool, PER_SWEEP)
        .onSuccess(deleted -> {
          if (deleted > 0) {
            LOG.debug("deleted {} expired tombstone(s)", deleted);
          }
        })
        .onFailure(error -> LOG.warn("sweeping expired tombstones failed: {}", error.toString()));
    sweep(pool, PER_SWEEP)
        .onSuccess(deleted -> {
          if (deleted > 0) {
            LOG.debug("deleted {} expired idempotency key(s)", deleted);
          }
        })
        .onFailure(error -> LOG.warn("sweeping expired idempotency keys failed: {}", error.toString()));
  }

  /** One sweep of at most {@code limit} expired keys; succeeds with how many it deleted. */
  static Future<Integer> sweep(io.vertx.sqlclient.SqlClient client, int limit) {
    return client.preparedQuery(SWEEP).execute(Tuple.of(Instant.now().atOffset(ZoneOffset.UTC), limit))
        .map(rows -> rows.rowCount());
  }

  /** One sweep of at most {@code limit} expired tombstones; succeeds with how many it deleted. */
  static Future<Integer> sweepTombstones(io.vertx.sqlclient.SqlClient client, int limit) {
    return client.preparedQuery(SWEEP_TOMBSTONES).execute(Tuple.of(Instant.now().atOffset(ZoneOffset.UTC), limit))
        .map(rows -> rows.rowCount());
  }
}
