package io.asynccatalog.config;

import io.asynccatalog.clients.ClientKeys;
import io.asynccatalog.clients.RateLimits;

import io.vertx.core.json.JsonObject;

import io.asynccatalog.queue.SqsLimits;
import io.asynccatalog.store.postgres.PostgresSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The whole service configuration, validated once at start. Keys are the environment variable names. */
public record CatalogConfig(
    Mode mode,
    boolean provision,
    Path dataDir,
    HttpConfig http,
    Resources resources,
    IngestConfig ingest,
    WorkerConfig worker,
    AwsClientConfig aws,
    LocalPorts localPorts,
    StoreConfig store,
    Duration shutdownGrace,
    Duration shutdownDrain) {

  /** Where the AWS services come from. */
  public enum Mode { LOCAL, AWS }

  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]+");

  /** Reads and validates every key; throws {@link ConfigException} naming each bad key. */
  public static CatalogConfig from(JsonObject json) {
    ConfigReader r = new ConfigReader(json);
    Mode mode = r.oneOf("CATALOG_MODE", Set.of("local", "aws")).equals("aws") ? Mode.AWS : Mode.LOCAL;
    String provision = r.oneOf("CATALOG_PROVISION", Set.of("auto", "true", "false"));
    boolean provisionResources = provision.equals("true") || (provision.equals("auto") && mode == Mode.LOCAL);
    Path dataDir = Path.of(r.string("CATALOG_DATA_DIR")).toAbsolutePath().normalize();
    int cores = Runtime.getRuntime().availableProcessors();

    String auth = r.oneOf("CATALOG_AUTH", Set.of("auto", "required", "off"));
    boolean keysRequired = auth.equals("required") || (auth.equals("auto") && mode == Mode.AWS);
    List<String> apiKeys = keysRequired ? r.list("CATALOG_API_KEYS") : List.of();
    if (keysRequired && apiKeys.isEmpty()) {
      r.problem("CATALOG_API_KEYS: API keys are required (CATALOG_AUTH=" + auth + (auth.equals("auto")
          ? " in AWS mode" : "") + ") but none is set; set CATALOG_API_KEYS, or CATALOG_AUTH=off");
    }
    ClientKeys clients = keysRequired ? ClientKeys.parse(apiKeys, r::problem) : ClientKeys.off();
    String readAuth = r.oneOf("CATALOG_AUTH_READS", Set.of("auto", "required", "off"));
    boolean readKeys = readAuth.equals("required") || (readAuth.equals("auto") && keysRequired);
    if (readKeys && !keysRequired) {
      r.problem("CATALOG_AUTH_READS: keys on reads need API keys (CATALOG_AUTH=" + auth + " turns them off)");
    }
    RateLimits limits = RateLimits.parse(r.integer("CATALOG_RATE_LIMIT_PER_SECOND", 0, 100_000_000),
        r.integer("CATALOG_RATE_LIMIT_BURST", 0, 1_000_000_000), r.optionalString("CATALOG_RATE_LIMITS"),
        clients.names(), r::problem);
    HttpConfig http = new HttpConfig(
        r.matching("CATALOG_HTTP_HOST", HOST, "a host name or address"),
        r.integer("CATALOG_HTTP_PORT", 0, 65535),
        orCores(r.integer("CATALOG_HTTP_INSTANCES", 0, 256), cores),
        r.integer("CATALOG_HTTP_MAX_BODY_BYTES", 256, 1 << 20),
        r.matching("CATALOG_DEFAULT_CURRENCY", CURRENCY, "a three-letter ISO 4217 code"),
        clients,
        limits,
        r.integer("CATALOG_HTTP_REQUEST_TIMEOUT_MS", 100, 600_000),
        r.integer("CATALOG_BATCH_MAX_PRODUCTS", 1, 100_000),
        r.integer("CATALOG_BATCH_MAX_BODY_BYTES", 1024, 256 << 20),
        r.oneOf("CATALOG_HTTP2_CLEARTEXT", Set.of("true", "false")).equals("true"),
        r.integer("CATALOG_HTTP2_MAX_CONCURRENT_STREAMS", 1, 100_000),
        readKeys,
        r.oneOf("CATALOG_ACCESS_LOG", Set.of("true", "false")).equals("true"));
    Resources resources = new Resources(
        r.matching("CATALOG_QUEUE_NAME", QUEUE_NAME, "a valid SQS queue name"),
        r.matching("CATALOG_DLQ_NAME", QUEUE_NAME, "a valid SQS queue name"),
        r.integer("CATALOG_MAX_RECEIVE_COUNT", 1, 1000),
        r.integer("CATALOG_VISIBILITY_TIMEOUT_SECONDS", 1, 43_200),
        r.matching("CATALOG_TABLE_NAME", TABLE_NAME, "a valid DynamoDB table name"),
        r.matching("CATALOG_BUCKET_NAME", BUCKET_NAME, "a valid S3 bucket name"),
        r.optionalString("CATALOG_REPORT_PREFIX"),
        r.matching("CATALOG_IDEMPOTENCY_TABLE_NAME", TABLE_NAME, "a valid DynamoDB table name"),
        Duration.ofSeconds(r.integer("CATALOG_IDEMPOTENCY_WINDOW_SECONDS", 1, 30 * 24 * 3600)),
        r.oneOf("CATALOG_VERSIONED_WRITES", Set.of("true", "false")).equals("true"),
        Duration.ofDays(r.integer("CATALOG_TOMBSTONE_TTL_DAYS", 1, 3650)));
    // a tombstone must outlive every older write of its product: SQS keeps a message 14 days at most, in the product
    // queue and again in the dead-letter queue
    if (resources.tombstoneTtl().toDays() < 28) {
      r.problem("CATALOG_TOMBSTONE_TTL_DAYS: must be at least 28 (14 days of the queue's retention and 14 of the "
          + "dead-letter queue's), or a late older write could bring a deleted product back");
    }
    IngestConfig ingest = new IngestConfig(
        r.integer("CATALOG_ENQUEUE_INSTANCES", 1, 64),
        r.integer("CATALOG_ENQUEUE_LINGER_MS", 0, 1000),
        r.integer("CATALOG_ENQUEUE_IDLE_LINGER_MS", 0, 1000),
        r.integer("CATALOG_ENQUEUE_MAX_BATCHES_IN_FLIGHT", 1, 1024),
        r.integer("CATALOG_ENQUEUE_MAX_PENDING", 1, 10_000_000),
        Duration.ofMillis(r.integer("CATALOG_ENQUEUE_TIMEOUT_MS", 100, 120_000)),
        r.oneOf("CATALOG_BATCHING", Set.of("true", "false")).equals("true"),
        r.oneOf("CATALOG_PACKING", Set.of("true", "false")).equals("true"),
        r.integer("CATALOG_PACK_MAX_PRODUCTS", 1, 10_000),
        // an SQS message is at most 1 MiB (AWS since 2025, ElasticMQ 1.7); a queue may be set lower
        r.integer("CATALOG_PACK_MAX_BYTES", 1024, SqsLimits.MAX_MESSAGE_BYTES));
    if (ingest.maxPending() < http.batchMaxProducts()) {
      r.problem("CATALOG_ENQUEUE_MAX_PENDING: must be at least CATALOG_BATCH_MAX_PRODUCTS (" + http.batchMaxProducts()
          + "), or no bulk request of that size could ever be queued");
    }
    WorkerConfig worker = new WorkerConfig(
        r.integer("CATALOG_CONSUMER_INSTANCES", 0, 64),
        r.integer("CATALOG_CONSUMER_POLLERS", 1, 64),
        r.integer("CATALOG_CONSUMER_MAX_IN_FLIGHT", 10, 1_000_000),
        r.integer("CATALOG_SAVE_BATCH", 1, 10_000),
        r.integer("CATALOG_SAVE_LINGER_MS", 0, 10_000),
        r.integer("CATALOG_DELETE_LINGER_MS", 0, 10_000),
        r.integer("CATALOG_RECEIVE_PAUSE_MS", 0, 10_000),
        r.integer("CATALOG_SQS_WAIT_SECONDS", 0, 20),
        r.integer("CATALOG_WORKER_INSTANCES", 1, 256),
        r.oneOf("CATALOG_WORKER_THREADING", Set.of("event-loop", "worker")).equals("worker"),
        Duration.ofMillis(r.integer("CATALOG_SAVE_TIMEOUT_MS", 1000, 600_000)),
        r.integer("CATALOG_RETRY_BASE_SECONDS", 0, 3600),
        r.integer("CATALOG_RETRY_MAX_SECONDS", 0, 43_200),
        r.oneOf("CATALOG_REPORT_MODE", Set.of("per-product", "batched")).equals("batched"),
        r.oneOf("CATALOG_BATCHING", Set.of("true", "false")).equals("true"),
        Duration.ofSeconds(r.integer("CATALOG_QUEUE_DEPTH_POLL_SECONDS", 0, 3600)));
    AwsClientConfig aws = new AwsClientConfig(
        Duration.ofMillis(r.integer("CATALOG_AWS_CALL_TIMEOUT_MS", 100, 600_000)),
        r.integer("CATALOG_AWS_MAX_CONNECTIONS", 1, 10_000),
        r.integer("CATALOG_AWS_EVENT_LOOP_THREADS", 0, 64),
        r.oneOf("CATALOG_AWS_HTTP_CLIENT", Set.of("netty", "vertx", "crt")),
        r.oneOf("CATALOG_AWS_CALLS", Set.of("sdk", "direct")).equals("direct"),
        r.integer("CATALOG_BREAKER_MAX_FAILURES", 1, 1000),
        Duration.ofMillis(r.integer("CATALOG_BREAKER_RESET_MS", 100, 600_000)));
    LocalPorts localPorts = new LocalPorts(
        r.integer("CATALOG_LOCAL_SQS_PORT", 0, 65535),
        r.integer("CATALOG_LOCAL_DYNAMODB_PORT", 0, 65535),
        r.integer("CATALOG_LOCAL_S3_PORT", 0, 65535));
    timings(r, http, resources, ingest, worker, aws);
    StoreConfig store = store(r, json, mode, provisionResources);
    Duration grace = Duration.ofSeconds(r.integer("CATALOG_SHUTDOWN_GRACE_SECONDS", 0, 600));
    Duration drain = Duration.ofMillis(r.integer("CATALOG_SHUTDOWN_DRAIN_MS", 0, 600_000));
    r.failOnProblems();
    return new CatalogConfig(mode, provisionResources, dataDir, http, resources, ingest, worker, aws, localPorts, store,
        grace, drain);
  }

  /**
   * Timing settings that contradict each other, each refused with the keys it involves: a deadline that could never
   * be met, or a wait that would outlast what it waits within.
   */
  private static void timings(ConfigReader r, HttpConfig http, Resources resources, IngestConfig ingest,
                              WorkerConfig worker, AwsClientConfig aws) {
    long visibilityMs = resources.visibilityTimeoutSeconds() * 1000L;
    if (worker.deleteLingerMs() >= visibilityMs / 3) {
      r.problem("CATALOG_DELETE_LINGER_MS (" + worker.deleteLingerMs() + ") must be less than a third of "
          + "CATALOG_VISIBILITY_TIMEOUT_SECONDS (" + resources.visibilityTimeoutSeconds() + " s): a settled message "
          + "is kept hidden that long past its last extension, and must be deleted within it");
    }
    if (worker.saveTimeout().compareTo(aws.callTimeout()) < 0) {
      r.problem("CATALOG_SAVE_TIMEOUT_MS (" + worker.saveTimeout().toMillis() + ") must be at least "
          + "CATALOG_AWS_CALL_TIMEOUT_MS (" + aws.callTimeout().toMillis() + "): a save must be able to wait out a "
          + "call it starts (PostgreSQL's statement timeout is the call timeout)");
    }
    if (ingest.timeout().toMillis() >= http.requestTimeoutMs()) {
      r.problem("CATALOG_ENQUEUE_TIMEOUT_MS (" + ingest.timeout().toMillis() + ") must be less than "
          + "CATALOG_HTTP_REQUEST_TIMEOUT_MS (" + http.requestTimeoutMs() + "): the answer of SQS must come before "
          + "the client is told its request timed out");
    }
    if (Math.max(ingest.lingerMs(), ingest.idleLingerMs()) >= ingest.timeout().toMillis()) {
      r.problem("CATALOG_ENQUEUE_LINGER_MS and CATALOG_ENQUEUE_IDLE_LINGER_MS (" + ingest.lingerMs() + ", "
          + ingest.idleLingerMs() + ") must be less than CATALOG_ENQUEUE_TIMEOUT_MS (" + ingest.timeout().toMillis()
          + "): a product waiting for more would miss its deadline");
    }
    if (worker.retryMaxSeconds() < worker.retryBaseSeconds()) {
      r.problem("CATALOG_RETRY_MAX_SECONDS (" + worker.retryMaxSeconds() + ") must be at least "
          + "CATALOG_RETRY_BASE_SECONDS (" + worker.retryBaseSeconds() + ")");
    }
  }

  /** Which store keeps products and keys; with PostgreSQL, where it is (none in local mode: a local server). */
  private static StoreConfig store(ConfigReader r, JsonObject json, Mode mode, boolean provision) {
    boolean postgres = r.oneOf("CATALOG_STORE", Set.of("dynamodb", "postgres")).equals("postgres");
    String dynamoDbWrites = r.oneOf("CATALOG_DYNAMODB_WRITES", Set.of("batch-statements", "put-item"));
    String migrate = r.oneOf("CATALOG_POSTGRES_MIGRATE", Set.of("auto", "true", "false"));
    int poolSize = r.integer("CATALOG_POSTGRES_POOL_SIZE", 1, 1000);
    int localPort = r.integer("CATALOG_LOCAL_POSTGRES_PORT", 0, 65535);
    PostgresSettings settings = null;
    if (postgres) {
      java.util.Map<String, String> env = new java.util.HashMap<>();
      for (String name : new String[] {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSSLMODE",
          "PGSSLROOTCERT"}) {
        Object value = json.getValue(name);
        if (value != null) {
          env.put(name, value.toString());
        }
      }
      try {
        settings = PostgresSettings.from(r.optionalString("CATALOG_POSTGRES_URL"), env, poolSize);
      } catch (PostgresSettings.Invalid e) {
        r.problem(e.getMessage());
      }
      if (settings == null && mode == Mode.AWS) {
        r.problem("CATALOG_POSTGRES_URL: CATALOG_STORE=postgres in AWS mode needs a database: set"
            + " CATALOG_POSTGRES_URL (postgresql://user@host:5432/db?sslmode=verify-full) or PGHOST and friends");
      }
    }
    return new StoreConfig(postgres, settings, poolSize, localPort,
        migrate.equals("true") || (migrate.equals("auto") && provision), dynamoDbWrites);
  }

  private static int orCores(int configured, int cores) {
    return configured == 0 ? cores : configured;
  }

  /**
   * The public API server; a negative port asks Vert.x for one random port shared by all instances. {@code readKeys}:
   * the read routes take the client's API key too; {@code accessLog}: one log line per request.
   */
  public record HttpConfig(String host, int port, int instances, int maxBodyBytes, String defaultCurrency,
                           ClientKeys clients, RateLimits rateLimits, int requestTimeoutMs, int batchMaxProducts,
                           int batchMaxBodyBytes, boolean http2Cleartext, int http2MaxConcurrentStreams,
                           boolean readKeys, boolean accessLog) {
    public HttpConfig withPort(int newPort) {
      return new HttpConfig(host, newPort, instances, maxBodyBytes, defaultCurrency, clients, rateLimits,
          requestTimeoutMs, batchMaxProducts, batchMaxBodyBytes, http2Cleartext, http2MaxConcurrentStreams,
          readKeys, accessLog);
    }
  }

  /** Names of the queue, dead-letter queue, tables and bucket, the queue's redrive settings, the key window. */
  public record Resources(String queueName, String dlqName, int maxReceiveCount, int visibilityTimeoutSeconds,
                          String tableName, String bucketName, String reportPrefix, String idempotencyTableName,
                          Duration idempotencyWindow, boolean versionedWrites, Duration tombstoneTtl) {}

  /**
   * The batching SQS publisher behind the POST routes: {@code maxPending} products may wait for a send; with
   * {@code packing}, up to {@code packMaxProducts} products (and {@code packMaxBytes}) travel in one message.
   */
  public record IngestConfig(int instances, int lingerMs, int idleLingerMs, int maxBatchesInFlight, int maxPending,
                             Duration timeout, boolean batching, boolean packingWanted, int packMaxProducts,
                             int packMaxBytes) {
    /** Packs are written only with batching on: naive mode sends one product per call, for comparison. */
    public boolean packing() {
      return batching && packingWanted;
    }
  }

  /**
   * The SQS consumers and the saver pool. Received messages are stored in groups of about {@code saveBatchMax}
   * products (whole messages), a partial group waiting at most {@code saveLingerMs} for more; a poller whose receive
   * came back part full waits {@code receivePauseMs} before its next one; at most {@code maxInFlightPerConsumer}
   * products are being stored per consumer; settled messages wait at most {@code deleteLingerMs} to be deleted ten
   * per call. Failed products come back after a backoff of base * 2^(tries-1).
   */
  public record WorkerConfig(int consumerInstances, int pollersPerConsumer, int maxInFlightPerConsumer,
                             int saveBatchMax, int saveLingerMs, int deleteLingerMs, int receivePauseMs,
                             int waitSeconds, int saverInstances,
                             boolean workerThreads, Duration saveTimeout,
                             int retryBaseSeconds, int retryMaxSeconds, boolean batchedReports, boolean batching,
                             Duration queueDepthPoll) {
    /** Messages per receive: ten, or one in naive mode (batching off, for comparison). */
    public int receiveBatch() {
      return batching ? 10 : 1;
    }

    /** Products stored together (BatchWriteItem calls of 25, one batched report): whole messages of several receives. */
    public int saveBatch() {
      return batching ? saveBatchMax : 1;
    }
  }

  /** AWS SDK client tuning, and the circuit breaker in front of each service. */
  /**
   * @param httpClient  the SDK's transport: Vert.x's HTTP client on the caller's event loop ({@code vertx}), the SDK's
   *                    Netty client on its own event loops ({@code netty}), or the AWS Common Runtime's ({@code crt})
   * @param directCalls the hot calls of fixed shape as requests of our own, signed with the SDK's signer
   *                    ({@code CATALOG_AWS_CALLS=direct}), or all through the SDK's pipeline ({@code sdk})
   */
  public record AwsClientConfig(Duration callTimeout, int maxConnections, int eventLoopThreads, String httpClient,
                                boolean directCalls, int breakerMaxFailures, Duration breakerReset) {
    public boolean vertxHttpClient() {
      return "vertx".equals(httpClient);
    }
  }

  /** Ports of the embedded AWS-compatible servers; 0 picks a free port. */
  public record LocalPorts(int sqs, int dynamoDb, int s3) {}

  /**
   * The product and idempotency-key store: DynamoDB, or PostgreSQL at {@code postgres} (null in local mode when
   * none is named: the service then starts its own on {@code localPostgresPort}, 0 for any free port), its schema
   * migrated at start when {@code migrate}.
   */
  /** {@code dynamoDbWrites}: how the product table takes fenced writes, see {@code FencedWrites}. */
  public record StoreConfig(boolean postgres, PostgresSettings postgresSettings, int poolSize, int localPostgresPort,
                            boolean migrate, String dynamoDbWrites) {
    public String name() {
      return postgres ? "postgres" : "dynamodb";
    }
  }
}
