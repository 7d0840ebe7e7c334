package io.asynccatalog.store.postgres;

import io.asynccatalog.domain.Product;
import io.asynccatalog.store.IdempotencyStore;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;

/**
 * Idempotency keys in PostgreSQL: one upsert claims a key (or an expired one anew); when the key is taken, the
 * earlier claim is read back. Expired rows are deleted by {@link ExpiredKeysSweeper}; until then they count as absent.
 */
public final class PostgresIdempotencyKeys implements IdempotencyStore {
  private static final String CLAIM = "INSERT INTO idempotency_keys (key, request_hash, created_at, product_ids, "
      + "expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO UPDATE SET request_hash = EXCLUDED.request_hash, "
      + "created_at = EXCLUDED.created_at, product_ids = EXCLUDED.product_ids, queued = NULL, "
      + "expires_at = EXCLUDED.expires_at WHERE idempotency_keys.expires_at < $6 RETURNING key";
  private static final String EARLIER = "SELECT request_hash, created_at, product_ids, queued FROM idempotency_keys "
      + "WHERE key = $1 AND expires_at >= $2";
  private static final String QUEUED = "UPDATE idempotency_keys SET queued = $1, expires_at = $2 "
      + "WHERE key = $3 AND request_hash = $4 AND created_at = $5";

  private final Pool pool;
  private final CircuitBreaker breaker;
  private final Duration window;

  public PostgresIdempotencyKeys(Pool pool, CircuitBreaker breaker, Duration window) {
    this.pool = pool;
    this.breaker = breaker;
    this.window = window;
  }

  @Override
  public Future<Claim> claim(String key, String requestHash, List<String> ids, Instant createdAt,
                             String legacyMessage) {
    Instant now = Instant.now();
    UUID[] uuids = ids.stream().map(UUID::fromString).toArray(UUID[]::new);
    Tuple claim = Tuple.of(key, requestHash, utc(createdAt), uuids, utc(now.plus(window)), utc(now));
    return breaker.execute(() -> pool.preparedQuery(CLAIM).execute(claim)
        .compose(rows -> rows.size() > 0
            ? Future.succeededFuture(new Claim(true, requestHash, createdAt, ids, null))
            : pool.preparedQuery(EARLIER).execute(Tuple.of(key, utc(now))).compose(earlier -> earlier.size() == 0
                ? Future.failedFuture(new IllegalStateException("the key expired while it was being claimed"))
                : Future.succeededFuture(read(earlier.iterator().next())))));
  }

  @Override
  public Future<Void> queued(String key, Claim claim, BitSet queued) {
    Tuple update = Tuple.of(Buffer.buffer(queued.toByteArray()), utc(Instant.now().plus(window)), key,
        claim.requestHash(), utc(claim.createdAt()));
    return breaker.execute(() -> pool.preparedQuery(QUEUED).execute(update).mapEmpty());
  }

  private static Claim read(Row row) {
    Buffer queued = row.getBuffer("queued");
    UUID[] ids = row.getArrayOfUUIDs("product_ids");
    return new Claim(false, row.getString("request_hash"), row.getOffsetDateTime("created_at").toInstant(),
        Arrays.stream(ids).map(UUID::toString).toList(), queued == null ? null : BitSet.valueOf(queued.getBytes()));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
