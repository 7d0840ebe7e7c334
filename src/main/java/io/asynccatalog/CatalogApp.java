package io.asynccatalog;

import io.asynccatalog.aws.AwsClients;
import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.CatalogResources;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.aws.Provisioner;
import io.asynccatalog.bus.Codecs;
import io.asynccatalog.config.CatalogConfig;
import io.asynccatalog.contract.ApiContract;
import io.asynccatalog.domain.ProductBatchParser;
import io.asynccatalog.domain.ProductRequestParser;
import io.asynccatalog.clients.ClientLimiter;
import io.asynccatalog.http.ApiKeys;
import io.asynccatalog.http.HttpServices;
import io.asynccatalog.http.HttpVerticle;
import io.asynccatalog.http.IngestRoutes;
import io.asynccatalog.http.Parameters;
import io.asynccatalog.http.ProductRoutes;
import io.asynccatalog.http.Readiness;
import io.asynccatalog.ingest.EnqueueVerticle;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.metrics.QueueDepthPoller;
import io.asynccatalog.queue.DeadLetters;
import io.asynccatalog.queue.ProductQueue;
import io.asynccatalog.store.IdempotencyStore;
import io.asynccatalog.store.ProductStore;
import io.asynccatalog.store.Stores;
import io.asynccatalog.store.postgres.ExpiredKeysSweeper;
import io.asynccatalog.store.postgres.LocalPostgres;
import io.asynccatalog.store.postgres.PostgresSchema;
import io.asynccatalog.store.postgres.PostgresSettings;
import io.asynccatalog.store.ReportBucket;
import io.asynccatalog.tracing.Tracing;
import io.asynccatalog.worker.ConsumerVerticle;
import io.asynccatalog.versions.VersionClock;
import io.asynccatalog.worker.Converger;
import io.asynccatalog.worker.SaverVerticle;
import io.asynccatalog.worker.StoreGate;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running service: embedded AWS servers (local mode), AWS clients, resources, then the verticles — savers,
 * consumers, the publisher and HTTP last, so that HTTP never accepts what nobody can serve. Stopping runs the same
 * steps backwards: readiness down, HTTP drained, the publisher flushed, consumers stopped, savers finished.
 */
public final class CatalogApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogApp.class);

  private final CatalogConfig config;
  private final Tracing tracing;
  private final Readiness readiness = new Readiness();
  private final Deque<String> deployments = new ArrayDeque<>();
  private EmbeddedAws embedded;
  private Vertx vertx;
  private AwsClients clients;
  private Dependencies dependencies;
  private CatalogMetrics metrics;
  private String registryName;
  private CatalogResources resources;
  private Stores stores;
  private LocalPostgres localPostgres;
  private PostgresSettings postgres;
  private int httpPort;
  private boolean closed;

  private CatalogApp(CatalogConfig config, Tracing tracing) {
    this.config = config;
    this.tracing = tracing;
  }

  /**
   * Starts the service and returns once it is ready. {@code environment} null means: the embedded servers in local
   * mode, the SDK's default chains in AWS mode. Must not be called on a Vert.x thread.
   */
  public static CatalogApp start(CatalogConfig config, AwsEnvironment environment) throws Exception {
    return start(config, environment, Tracing.fromEnvironment(System.getenv()));
  }

  /** As {@link #start(CatalogConfig, AwsEnvironment)}, with the given span export (tests). */
  public static CatalogApp start(CatalogConfig config, AwsEnvironment environment, Tracing tracing) throws Exception {
    CatalogApp app = new CatalogApp(config, tracing);
    try {
      app.run(environment);
      return app;
    } catch (Exception e) {
      app.close();
      throw e;
    }
  }

  private void run(AwsEnvironment environment) throws Exception {
    AwsEnvironment env = environment != null ? environment : environmentFor(config);
    String registryName = "catalog-" + System.identityHashCode(this);
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            .setRegistryName(registryName)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true))
            // pools by type and name: the PostgreSQL pool's size, waiting and acquire time apart from Vert.x's own
            .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE,
                Label.POOL_NAME))
            // Per-message event-bus meters cost a registry lookup on every product and say nothing that
            // catalog.products.* and the HTTP meters do not already say.
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
            // the only HTTP client is the AWS transport (CATALOG_AWS_HTTP_CLIENT=vertx): per-call meters would cost
            // it a registry lookup per call, which the SDK's Netty client does not pay either
            .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)));
    metrics = new CatalogMetrics(BackendRegistries.getNow(registryName));
    metrics.clients(config.http().clients().names());
    this.registryName = registryName;
    Codecs.register(vertx.eventBus());
    clients = AwsClients.create(vertx, env, config.aws());
    dependencies = new Dependencies(vertx, config.store().name(), config.aws().breakerMaxFailures(),
        config.aws().breakerReset().toMillis());
    metrics.watch(dependencies);
    resources = new Provisioner(vertx, clients, env.region(), config.resources())
        .resolve(config.provision(), !config.store().postgres())
        .await(5, TimeUnit.MINUTES);
    stores = openStores();
    LOG.info("queue {}, dead-letter queue {}, {}, bucket {}", resources.queueUrl(), resources.dlqUrl(),
        config.store().postgres() ? "PostgreSQL " + postgres : "table " + resources.tableName(),
        resources.bucketName());
    deployVerticles();
    readiness.ready();
    LOG.info("AsyncCatalog ready on http://{}:{} ({} mode, {} transport, AWS SDK calls on {}, span export {})",
        config.http().host(), httpPort, config.mode().name().toLowerCase(java.util.Locale.ROOT),
        vertx.isNativeTransportEnabled() ? "native" : "NIO", clients.transport(), tracing.enabled() ? "on" : "off");
  }

  private AwsEnvironment environmentFor(CatalogConfig config) throws Exception {
    if (config.mode() == CatalogConfig.Mode.AWS) {
      return AwsEnvironment.fromSdkDefaults();
    }
    EmbeddedAws.Factory factory = EmbeddedAws.factory().orElseThrow(() -> new StartupException(
        "this build has no local AWS servers: set CATALOG_MODE=aws, or use the full jar for local mode"));
    CatalogConfig.LocalPorts ports = config.localPorts();
    embedded = factory.start(config.dataDir(), ports.sqs(), ports.dynamoDb(), ports.s3());
    return AwsEnvironment.local(embedded.sqsEndpoint(), embedded.dynamoDbEndpoint(), embedded.s3Endpoint());
  }

  /**
   * The product and key store: DynamoDB's tables, or PostgreSQL (in local mode without a URL, a server of its own),
   * its schema migrated or checked before anything is served, and reached once so that a bad setting stops the start.
   */
  private Stores openStores() throws Exception {
    CatalogConfig.StoreConfig store = config.store();
    if (!store.postgres()) {
      return Stores.dynamoDb(vertx, clients, dependencies, resources.tableName(), resources.idempotencyTableName(),
          config.resources().idempotencyWindow(), config.aws().callTimeout(), store.dynamoDbWrites());
    }
    postgres = store.postgresSettings();
    if (postgres == null) {
      LocalPostgres.Factory factory = LocalPostgres.factory().orElseThrow(() -> new StartupException(
          "this build has no local PostgreSQL: set CATALOG_POSTGRES_URL, or use the full jar for local mode"));
      localPostgres = factory.start(config.dataDir(), store.localPostgresPort());
      postgres = PostgresSettings.local(localPostgres.port(), LocalPostgres.DATABASE, store.poolSize());
    }
    PostgresSchema.prepare(postgres, store.migrate());
    Stores opened = Stores.postgres(vertx, postgres, dependencies, config.resources().idempotencyWindow(),
        config.aws().callTimeout());
    try {
      opened.check().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      opened.close();
      throw new StartupException("PostgreSQL at " + postgres + " is not reachable: " + Dependencies.describe(e));
    }
    metrics.postgresPool(postgres.poolSize());
    return opened;
  }

  private void deployVerticles() throws Exception {
    ProductQueue queue = new ProductQueue(clients.sqs(), clients.queueCalls(), dependencies.sqs(),
        resources.queueUrl(), resources.dlqUrl(), metrics);
    CatalogConfig.WorkerConfig worker = config.worker();
    ProductStore store = stores.products();
    if (stores.pool() != null) {
      deploy(() -> new ExpiredKeysSweeper(stores.pool(), Duration.ofMinutes(1)), 1, ThreadingModel.EVENT_LOOP);
    }
    ReportBucket reports = new ReportBucket(clients.s3(), clients.signedPutObject(resources.bucketName()),
        dependencies.s3(), resources.bucketName());

    Converger converger = new Converger(store, config.resources().tombstoneTtl(),
        worker.batchedReports() ? (location, deadline) -> reports.exists(location.key(),
            deadline.callTimeout(config.aws().callTimeout())) : null);
    deploy(() -> new SaverVerticle(converger, store.dependency(), reports, config.resources().reportPrefix(),
            worker.batchedReports(),
            config.aws().maxConnections(), config.aws().callTimeout(), metrics, tracing), worker.saverInstances(),
        worker.workerThreads() ? ThreadingModel.WORKER : ThreadingModel.EVENT_LOOP);
    deploy(() -> new QueueDepthPoller(queue, metrics, worker.queueDepthPoll()), 1, ThreadingModel.EVENT_LOOP);
    if (worker.consumerInstances() > 0) {
      Duration visibility = Duration.ofSeconds(config.resources().visibilityTimeoutSeconds());
      StoreGate gate = new StoreGate(List.of(new StoreGate.Check(dependencies.store(), store::probe),
          new StoreGate.Check(dependencies.s3(), reports::probe)));
      deploy(() -> new ConsumerVerticle(queue, gate, worker, visibility,
              config.resources().maxReceiveCount(), config.aws().callTimeout(), metrics),
          worker.consumerInstances(), ThreadingModel.EVENT_LOOP);
    }
    // with several clients, none may hold more than its share of the products waiting for SQS
    boolean fairShares = config.http().clients().names().size() > 1;
    deploy(() -> new EnqueueVerticle(queue, config.ingest(), fairShares, metrics), config.ingest().instances(),
        ThreadingModel.EVENT_LOOP);
    deployHttp(queue, store, reports);
  }

  /**
   * HTTP last. Port 0 becomes -1: Vert.x gives servers listening on the same negative port one shared random port,
   * so all instances serve the port the first one got.
   */
  private void deployHttp(ProductQueue queue, ProductStore store, ReportBucket reports) throws Exception {
    ApiContract contract = ApiContract.load(config.http().batchMaxProducts());
    ProductRequestParser parser = new ProductRequestParser(contract, config.http().defaultCurrency());
    ProductBatchParser batchParser = new ProductBatchParser(parser, config.http().batchMaxProducts());
    IdempotencyStore keys = stores.keys();
    CatalogConfig.HttpConfig http = config.http();
    CatalogConfig.HttpConfig listen = http.port() != 0 ? http : http.withPort(-1);
    DeadLetters deadLetters = new DeadLetters(queue, config.aws().callTimeout(), config.ingest().packing());
    VersionClock versions = new VersionClock(); // one per process: versions strictly increase across its verticles
    ApiKeys apiKeys = new ApiKeys(http.clients());
    ClientLimiter limiter = new ClientLimiter(http.clients().names(), http.rateLimits());
    AtomicReference<HttpVerticle> first = new AtomicReference<>();
    deploy(() -> {
      HttpVerticle verticle = new HttpVerticle(listen, () -> new HttpServices(
          new IngestRoutes(vertx, parser, batchParser, keys, readiness, config.ingest().packing(),
              config.ingest().timeout(), limiter, metrics, tracing, versions, config.resources().versionedWrites()),
          new ProductRoutes(store, reports, new Parameters(contract), limiter),
          deadLetters, apiKeys, readiness, dependencies, contract, registryName), config.shutdownGrace().toMillis());
      first.compareAndSet(null, verticle);
      return verticle;
    }, http.instances(), ThreadingModel.EVENT_LOOP);
    httpPort = first.get().actualPort();
  }

  private void deploy(java.util.function.Supplier<io.vertx.core.Deployable> factory, int instances,
                      ThreadingModel model) throws Exception {
    String id = vertx.deployVerticle(factory, new DeploymentOptions().setInstances(instances).setThreadingModel(model))
        .await(1, TimeUnit.MINUTES);
    deployments.push(id);
  }

  public int httpPort() {
    return httpPort;
  }

  public CatalogResources resources() {
    return resources;
  }

  public AwsClients clients() {
    return clients;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The stores in use (for tests: the PostgreSQL pool, if any). */
  public Stores stores() {
    return stores;
  }

  /** Where the PostgreSQL store is, or null with DynamoDB. */
  public PostgresSettings postgres() {
    return postgres;
  }

  public Dependencies dependencies() {
    return dependencies;
  }

  public CatalogMetrics metrics() {
    return metrics;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** Orderly stop within the configured grace period (plus bounded time for the clients and local servers). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    readiness.notReady("stopping");
    drain();
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos() + Duration.ofSeconds(2).toNanos();
    while (!deployments.isEmpty()) {
      String id = deployments.pop(); // HTTP first, then the publisher, the consumers, the savers
      long left = Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      try {
        vertx.undeploy(id).await(left, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("stopping deployment {} did not finish in time: {}", id, e.toString());
      }
    }
    closeQuietly("store", () -> {
      if (stores != null) {
        stores.close();
      }
    });
    closeQuietly("Vert.x", () -> {
      if (vertx != null) {
        vertx.close().await(5, TimeUnit.SECONDS);
      }
    });
    closeQuietly("AWS clients", () -> {
      if (clients != null) {
        clients.close();
      }
    });
    closeQuietly("tracing", tracing::close);
    closeQuietly("local AWS servers", () -> {
      if (embedded != null) {
        embedded.close();
      }
    });
    closeQuietly("local PostgreSQL", () -> {
      if (localPostgres != null) {
        localPostgres.close();
      }
    });
    LOG.info("AsyncCatalog stopped");
  }

  /**
   * With a drain period, readiness is down while everything still works, so a load balancer stops routing here
   * before the listener closes; meanwhile new products get 503 and can go to another instance.
   */
  private void drain() {
    if (config.shutdownDrain().isZero() || vertx == null) {
      return;
    }
    LOG.info("readiness down; draining for {} ms before stopping", config.shutdownDrain().toMillis());
    try {
      Thread.sleep(config.shutdownDrain().toMillis()); // the shutdown thread, never an event loop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void closeQuietly(String what, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      LOG.warn("closing {} failed: {}", what, e.toString());
    }
  }
}
