package io.asynccatalog.store;

import io.asynccatalog.aws.AwsClients;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.store.postgres.PostgresIdempotencyKeys;
import io.asynccatalog.store.postgres.PostgresProductStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one place that knows which store keeps products and idempotency keys: DynamoDB tables, or a PostgreSQL
 * database through a reactive pool. Everything else sees {@link ProductStore} and {@link IdempotencyStore}.
 */
public final class Stores implements AutoCloseable {
  /** The pool's name in the metrics ({@code vertx_pool_*{pool_name="catalog-postgres"}}). */
  public static final String POOL_NAME = "catalog-postgres";
  /** How much longer than a statement may last a connection may stay silent before it is taken for dead. */
  static final Duration SILENCE_MARGIN = Duration.ofSeconds(5);
  /** No pooled connection lives longer: after a failover, every connection soon resolves the primary's name anew. */
  static final Duration CONNECTION_LIFETIME = Duration.ofMinutes(10);

  private final ProductStore products;
  private final IdempotencyStore keys;
  private final Pool pool;

  private Stores(ProductStore products, IdempotencyStore keys, Pool pool) {
    this.products = products;
    this.keys = keys;
    this.pool = pool;
  }

  /** The DynamoDB tables; {@code writeMode} as {@code CATALOG_DYNAMODB_WRITES}. */
  public static Stores dynamoDb(Vertx vertx, AwsClients clients, Dependencies dependencies, String table,
                                String keysTable, Duration window, Duration callTimeout, String writeMode) {
    return new Stores(new DynamoDbProductStore(vertx, clients.dynamoDb(), clients.batchStatements(),
        dependencies.store(), table, callTimeout, writeMode),
        new DynamoDbIdempotencyKeys(clients.dynamoDb(), dependencies.store(), keysTable, window), null);
  }

  /**
   * A PostgreSQL database whose schema is in place (see {@code PostgresSchema}). Every call has a deadline, on both
   * sides: the server ends a statement at {@code callTimeout} ({@code statement_timeout}); a connection that stays
   * silent longer than that, which a healthy server never does while a statement runs, was black-holed (a failover,
   * a dropped NAT mapping) and is closed, so the pool opens a new one, to the new primary once it is up; idle
   * connections are closed before that silence could be mistaken for it, keepalives find dead idle ones, and no
   * connection lives longer than {@link #CONNECTION_LIFETIME}, so DNS changes are followed.
   */
  public static Stores postgres(Vertx vertx, io.asynccatalog.store.postgres.PostgresSettings settings,
                                Dependencies dependencies, Duration window, Duration callTimeout) {
    int silenceMs = (int) callTimeout.plus(SILENCE_MARGIN).toMillis();
    PgConnectOptions connect = settings.connectOptions();
    java.util.Map<String, String> properties = new java.util.HashMap<>(connect.getProperties());
    properties.put("statement_timeout", Long.toString(callTimeout.toMillis()));
    connect.setProperties(properties);
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.poolSize()).setName(POOL_NAME).setShared(false)
            .setMaxWaitQueueSize(10_000)
            .setConnectionTimeout((int) callTimeout.toMillis())
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
            .setIdleTimeout(silenceMs / 2).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setMaxLifetime((int) CONNECTION_LIFETIME.toMillis()).setMaxLifetimeUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setTcpKeepAlive(true)
            .setConnectTimeout((int) Math.min(callTimeout.toMillis(), Integer.MAX_VALUE))
            .setReadIdleTimeout(silenceMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
        .connectingTo(connect)
        .using(vertx)
        .build();
    return new Stores(new PostgresProductStore(pool, dependencies.store(), callTimeout),
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
