package io.asynccatalog.aws;

import io.asynccatalog.config.CatalogConfig.AwsClientConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbServiceClientConfiguration;
import software.amazon.awssdk.services.dynamodb.endpoints.DynamoDbEndpointProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.TrustManagerFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The three async AWS clients of the service. By default ({@code CATALOG_AWS_HTTP_CLIENT=vertx}) their calls go
 * through Vert.x's HTTP client on the calling verticle's event loop ({@link VertxSdkHttpClient}): no thread hand-offs,
 * the least service CPU per product in the bench. {@code netty} runs them on the SDK's Netty client with its own small
 * event-loop group (native epoll on Linux, as Vert.x, elsewhere NIO); {@code crt} on the AWS Common Runtime's native
 * HTTP client (it trusts the system's CA store only). Everything else of the SDK (signing, retries, credentials,
 * endpoints) is the same on all three. Clients are thread-safe and shared by all verticles.
 */
public final class AwsClients implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /**
   * SQS's longest receive wait: a long poll's connection is silent that long. The Vert.x transport's idle timeout
   * is only a backstop for dead connections (each call's own timeout ends it sooner and drops its connection), so it
   * must never end a long poll that is waiting as asked.
   */
  private static final Duration LONGEST_POLL = Duration.ofSeconds(20);
  private static final String THREAD_NAME = "aws-java-sdk-NettyEventLoop";
  private final SdkEventLoopGroup eventLoops; // null on the other transports
  private final List<SdkAsyncHttpClient> httpClients;
  private final SqsAsyncClient sqs;
  private final DynamoDbAsyncClient dynamoDb;
  private final S3AsyncClient s3;
  private final Vertx vertx;
  private final AwsEnvironment env;
  private final AwsClientConfig config;
  private final TrustOptions trust;
  private boolean directPuts;
  private boolean directStatements;
  private boolean directQueueCalls;

  private AwsClients(Vertx vertx, AwsEnvironment env, AwsClientConfig config, TrustOptions trust,
                     SdkEventLoopGroup eventLoops, List<SdkAsyncHttpClient> httpClients, SqsAsyncClient sqs,
                     DynamoDbAsyncClient dynamoDb, S3AsyncClient s3) {
    this.eventLoops = eventLoops;
    this.httpClients = httpClients;
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.s3 = s3;
    this.vertx = vertx;
    this.env = env;
    this.config = config;
    this.trust = trust;
  }

  public static AwsClients create(Vertx vertx, AwsEnvironment env, AwsClientConfig config) {
    return create(vertx, env, config, null);
  }

  /**
   * {@code trust} null: HTTPS endpoints are checked against the JVM's trust store (javax.net.ssl.trustStore if
   * set), on either transport; tests give a trust of their own.
   */
  static AwsClients create(Vertx vertx, AwsEnvironment env, AwsClientConfig config, TrustManagerFactory trust) {
    SdkEventLoopGroup eventLoops = "netty".equals(config.httpClient()) ? eventLoops(config.eventLoopThreads()) : null;
    // one HTTP client per SDK client, as before; httpClient(...) leaves closing them to us, so they are kept
    List<SdkAsyncHttpClient> created = new ArrayList<>();
    if ("crt".equals(config.httpClient()) && trust != null) {
      throw new IllegalArgumentException("the CRT transport checks certificates against the system's CA store only");
    }
    Supplier<SdkAsyncHttpClient> http = () -> {
      SdkAsyncHttpClient client = switch (config.httpClient()) {
        case "vertx" -> vertxClient(vertx, config, trust == null ? null : TrustOptions.wrap(trust));
        case "crt" -> AwsCrtAsyncHttpClient.builder() // its own native event loop, TLS and connection pool
            .maxConcurrency(config.maxConnections())
            .connectionTimeout(CONNECT_TIMEOUT)
            .connectionAcquisitionTimeout(config.callTimeout())
            .build();
        default -> nettyClient(config, eventLoops, trust);
      };
      created.add(client);
      return client;
    };
    SqsAsyncClient sqs = configure(SqsAsyncClient.builder(), env, config, http.get())
        .applyMutation(b -> env.sqsEndpoint().ifPresent(b::endpointOverride))
        .build();
    DynamoDbAsyncClient dynamoDb = configure(DynamoDbAsyncClient.builder(), env, config, http.get())
        .applyMutation(b -> env.dynamoDbEndpoint().ifPresent(b::endpointOverride))
        .build();
    S3AsyncClient s3 = configure(S3AsyncClient.builder(), env, config, http.get())
        .applyMutation(b -> env.s3Endpoint().ifPresent(b::endpointOverride))
        .forcePathStyle(env.pathStyleS3())
        .build();
    return new AwsClients(vertx, env, config, trust == null ? null : TrustOptions.wrap(trust), eventLoops, created,
        sqs, dynamoDb, s3);
  }

  private static VertxSdkHttpClient vertxClient(Vertx vertx, AwsClientConfig config, TrustOptions trust) {
    return new VertxSdkHttpClient(vertx, config.maxConnections(), CONNECT_TIMEOUT,
        config.callTimeout().plus(LONGEST_POLL), trust);
  }

  /**
   * S3's {@code PutObject} as a request of our own ({@code CATALOG_AWS_CALLS=direct}), signed and retried as the S3
   * client would; empty when the SDK's path is configured, or when the bucket's endpoint wants another signature than
   * SigV4. It shares the S3 client's connections on the Vert.x transport, has its own Vert.x client otherwise.
   */
  public synchronized Optional<SignedPutObject> signedPutObject(String bucket) {
    if (!config.directCalls()) {
      return Optional.empty();
    }
    S3ServiceClientConfiguration s3Config = s3.serviceClientConfiguration();
    S3EndpointProvider endpoints = s3Config.endpointProvider().filter(S3EndpointProvider.class::isInstance)
        .map(S3EndpointProvider.class::cast).orElseGet(S3EndpointProvider::defaultProvider);
    Optional<SignedEndpoint> resolved = SignedPutObject.resolve(endpoints, env.region(), bucket,
        s3Config.endpointOverride(), env.pathStyleS3());
    if (resolved.isEmpty()) {
      LOG.warn("bucket {}: its endpoint is not signed with SigV4; its reports are written through the SDK", bucket);
      return Optional.empty();
    }
    directPuts = true;
    return Optional.of(new SignedPutObject(signedRequests(2, s3Config.overrideConfiguration(), resolved.get()),
        resolved.get().url()));
  }

  /**
   * DynamoDB's {@code BatchExecuteStatement}: as a request of our own with {@code CATALOG_AWS_CALLS=direct} (signed
   * and retried as the DynamoDB client would), else through that client.
   */
  public synchronized BatchStatements batchStatements() {
    if (!config.directCalls()) {
      return BatchStatements.sdk(dynamoDb);
    }
    DynamoDbServiceClientConfiguration ddbConfig = dynamoDb.serviceClientConfiguration();
    DynamoDbEndpointProvider endpoints = ddbConfig.endpointProvider()
        .filter(DynamoDbEndpointProvider.class::isInstance).map(DynamoDbEndpointProvider.class::cast)
        .orElseGet(DynamoDbEndpointProvider::defaultProvider);
    Optional<SignedEndpoint> resolved = SignedBatchExecuteStatement.resolve(endpoints,
        env.region(), ddbConfig.endpointOverride());
    if (resolved.isEmpty()) {
      LOG.warn("DynamoDB's endpoint is not signed with SigV4 here; its writes go through the SDK");
      return BatchStatements.sdk(dynamoDb);
    }
    directStatements = true;
    return new SignedBatchExecuteStatement(signedRequests(1, ddbConfig.overrideConfiguration(), resolved.get()),
        resolved.get().url());
  }

  /**
   * SQS's SendMessageBatch and DeleteMessageBatch: as requests of our own with {@code CATALOG_AWS_CALLS=direct}
   * (signed and retried as the SQS client would), else through that client.
   */
  public synchronized QueueCalls queueCalls() {
    if (!config.directCalls()) {
      return QueueCalls.sdk(sqs);
    }
    SqsServiceClientConfiguration sqsConfig = sqs.serviceClientConfiguration();
    SqsEndpointProvider endpoints = sqsConfig.endpointProvider().filter(SqsEndpointProvider.class::isInstance)
        .map(SqsEndpointProvider.class::cast).orElseGet(SqsEndpointProvider::defaultProvider);
    Optional<SignedEndpoint> resolved = SignedQueueCalls.resolve(endpoints, env.region(),
        sqsConfig.endpointOverride());
    if (resolved.isEmpty()) {
      LOG.warn("SQS's endpoint is not signed with SigV4 here; its batch calls go through the SDK");
      return QueueCalls.sdk(sqs);
    }
    directQueueCalls = true;
    return new SignedQueueCalls(signedRequests(0, sqsConfig.overrideConfiguration(), resolved.get()),
        resolved.get().url(), config.callTimeout());
  }

  /**
   * Direct calls to one service: on its client's own connections where the SDK runs on the Vert.x transport (SQS,
   * DynamoDB and S3 are transports 0, 1 and 2), on a Vert.x client of their own otherwise; retried with the service
   * client's retry strategy.
   */
  private SignedRequests signedRequests(int service, ClientOverrideConfiguration clientConfig,
                                        SignedEndpoint endpoint) {
    VertxSdkHttpClient transport = httpClients.get(service) instanceof VertxSdkHttpClient own ? own : direct();
    RetryStrategy retries = clientConfig.retryStrategy().orElseGet(AwsRetryStrategy::defaultRetryStrategy);
    return new SignedRequests(vertx, transport, env.credentials(), retries, endpoint.scope(), Clock.systemUTC());
  }

  private VertxSdkHttpClient direct() {
    VertxSdkHttpClient client = vertxClient(vertx, config, trust);
    httpClients.add(client);
    return client;
  }

  /**
   * The SDK's own event loops: native epoll where Netty has it (Linux), else the SDK's default NIO group. The SDK
   * recognises only its two classic group types, so the epoll group is Netty's {@link EpollEventLoopGroup}.
   */
  @SuppressWarnings("deprecation") // EpollEventLoopGroup: Netty 4.2 keeps it; the SDK (on Netty 4.1) needs that type
  private static SdkEventLoopGroup eventLoops(int threads) {
    if (Epoll.isAvailable()) {
      // 0: Netty's default (twice the cores), as the SDK's own group has it
      return SdkEventLoopGroup.create(new EpollEventLoopGroup(threads, new DefaultThreadFactory(THREAD_NAME, true)));
    }
    return threads > 0
        ? SdkEventLoopGroup.builder().numberOfThreads(threads).build()
        : SdkEventLoopGroup.builder().build();
  }

  private static SdkAsyncHttpClient nettyClient(AwsClientConfig config, SdkEventLoopGroup eventLoops,
                                                TrustManagerFactory trust) {
    NettyNioAsyncHttpClient.Builder builder = NettyNioAsyncHttpClient.builder()
        .eventLoopGroup(eventLoops)
        .maxConcurrency(config.maxConnections())
        .maxPendingConnectionAcquires(100_000)
        .connectionAcquisitionTimeout(config.callTimeout())
        .connectionTimeout(CONNECT_TIMEOUT);
    if (trust != null) {
      builder.tlsTrustManagersProvider(trust::getTrustManagers);
    }
    return builder.build();
  }

  private static <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B configure(
      B builder, AwsEnvironment env, AwsClientConfig config, SdkAsyncHttpClient http) {
    return builder
        .region(env.region())
        .credentialsProvider(env.credentials())
        .httpClient(http)
        // the SDK would complete each future on a thread pool of its own, only for AwsFutures to hop again onto the
        // verticle's context: completing it on the I/O thread saves a thread hand-off per call (nothing blocks there)
        .asyncConfiguration(async -> async.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
            Runnable::run))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(config.callTimeout())
            .build());
  }

  public SqsAsyncClient sqs() {
    return sqs;
  }

  public DynamoDbAsyncClient dynamoDb() {
    return dynamoDb;
  }

  public S3AsyncClient s3() {
    return s3;
  }

  /** The SDK's own event loops; null on Vert.x's HTTP client. */
  EventLoopGroup sdkEventLoopGroup() {
    return eventLoops == null ? null : eventLoops.eventLoopGroup();
  }

  /**
   * How the SDK's calls travel: "epoll" or "NIO" on its own event loops, "Vert.x" on Vert.x's HTTP client, or "CRT";
   * and which calls are requests of our own.
   */
  public synchronized String transport() {
    String transport = eventLoops != null ? (Epoll.isAvailable() ? "epoll" : "NIO") : httpClients.isEmpty()
        || httpClients.get(0) instanceof VertxSdkHttpClient ? "Vert.x" : "CRT";
    List<String> direct = new ArrayList<>();
    if (directQueueCalls) {
      direct.add("SQS SendMessageBatch, DeleteMessageBatch");
    }
    if (directPuts) {
      direct.add("S3 PutObject");
    }
    if (directStatements) {
      direct.add("DynamoDB BatchExecuteStatement");
    }
    return direct.isEmpty() ? transport : transport + "; direct: " + String.join(", ", direct);
  }

  @Override
  public void close() {
    sqs.close();
    dynamoDb.close();
    s3.close();
    httpClients.forEach(SdkAsyncHttpClient::close);
    if (eventLoops == null) {
      return;
    }
    // waits (bounded) so that no connection of ours outlives close(): local servers stop faster without them
    eventLoops.eventLoopGroup().shutdownGracefully(500, 3000, TimeUnit.MILLISECONDS).awaitUninterruptibly(4000);
  }
}
