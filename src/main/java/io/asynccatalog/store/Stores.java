package io.asynccatalog.store;

import io.asynccatalog.aws.AwsClients;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.store.postgres.PostgresIdempotencyKeys;
import io.asynccatalog.store.postgres.PostgresProductStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.time.Duration;

/**
 * The one place that knows which store keeps products and idempotency keys: DynamoDB tables, or a PostgreSQL
 * database through a reactive pool. Everything else sees {@link ProductStore} and {@link IdempotencyStore}.
 */
public final class Stores implements AutoCloseable {
  /** The pool's name in the metrics ({@code vertx_pool_*{pool_name="catalog-postgres"}}). */
  public static final String POOL_NAME = "catalog-postgres";

  private final ProductStore products;
  private final IdempotencyStore keys;
  private final Pool pool;

  private Stores(ProductStore products, IdempotencyStore keys, Pool pool) {
    this.products = products;
    this.keys = keys;
    this.pool = pool;
  }

  /** The DynamoDB tables ({@code batching} false: naive mode, one PutItem per product). */
  public static Stores dynamoDb(Vertx vertx, AwsClients clients, Dependencies dependencies, String table,
                                String keysTable, Duration window, boolean batching) {
    return new Stores(new DynamoDbProductStore(vertx, clients.dynamoDb(), dependencies.store(), table, batching),
        new DynamoDbIdempotencyKeys(clients.dynamoDb(), dependencies.store(), keysTable, window), null);
  }

  /** A PostgreSQL database whose schema is in place (see {@code PostgresSchema}). */
  public static Stores postgres(Vertx vertx, io.asynccatalog.store.postgres.PostgresSettings settings,
                                Dependencies dependencies, Duration window, Duration acquireTimeout) {
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.poolSize()).setName(POOL_NAME).setShared(false)
            .setMaxWaitQueueSize(10_000)
            .setConnectionTimeout((int) acquireTimeout.toMillis())
            .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS))
        .connectingTo(settings.connectOptions())
        .using(vertx)
        .build();
    return new Stores(new PostgresProductStore(pool, dependencies.store()),
        new PostgresIdempotencyKeys(pool, dependencies.store(), window), pool);
  }

  public ProductStore products() {
    return products;
  }

  public IdempotencyStore keys() {
    return keys;
  }

  /** The PostgreSQL pool, or null with DynamoDB. */
  public Pool pool() {
    return pool;
  }

  @Override
  public void close() throws Exception {
    if (pool != null) {
      pool.close().await(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Completes once a statement has run: the start fails early, with the reason, when the database is unreachable. */
  public Future<Void> check() {
    return pool == null ? Future.succeededFuture() : pool.query("SELECT 1").execute().mapEmpty();
  }
}
