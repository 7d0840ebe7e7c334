package io.asynccatalog.aws;

import io.asynccatalog.config.CatalogConfig.AwsClientConfig;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The three async AWS clients of the service. They run on their own small Netty event-loop group, never on the
 * Vert.x event loops, so a slow AWS response cannot hold up HTTP traffic. (The SDK's default NIO transport measured
 * the same CPU per product as Netty's native epoll here, so it stays.) Clients are thread-safe and shared by all
 * verticles.
 */
public final class AwsClients implements AutoCloseable {
  private final SdkEventLoopGroup eventLoops;
  private final SqsAsyncClient sqs;
  private final DynamoDbAsyncClient dynamoDb;
  private final S3AsyncClient s3;

  private AwsClients(SdkEventLoopGroup eventLoops, SqsAsyncClient sqs, DynamoDbAsyncClient dynamoDb, S3AsyncClient s3) {
    this.eventLoops = eventLoops;
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.s3 = s3;
  }

  public static AwsClients create(AwsEnvironment env, AwsClientConfig config) {
    SdkEventLoopGroup eventLoops = config.eventLoopThreads() > 0
        ? SdkEventLoopGroup.builder().numberOfThreads(config.eventLoopThreads()).build()
        : SdkEventLoopGroup.builder().build();
    SqsAsyncClient sqs = configure(SqsAsyncClient.builder(), env, config, eventLoops)
        .applyMutation(b -> env.sqsEndpoint().ifPresent(b::endpointOverride))
        .build();
    DynamoDbAsyncClient dynamoDb = configure(DynamoDbAsyncClient.builder(), env, config, eventLoops)
        .applyMutation(b -> env.dynamoDbEndpoint().ifPresent(b::endpointOverride))
        .build();
    S3AsyncClient s3 = configure(S3AsyncClient.builder(), env, config, eventLoops)
        .applyMutation(b -> env.s3Endpoint().ifPresent(b::endpointOverride))
        .forcePathStyle(env.pathStyleS3())
        .build();
    return new AwsClients(eventLoops, sqs, dynamoDb, s3);
  }

  private static <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B configure(
      B builder, AwsEnvironment env, AwsClientConfig config, SdkEventLoopGroup eventLoops) {
    // httpClientBuilder, not httpClient: each SDK client then owns and closes its connection pool
    NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
        .eventLoopGroup(eventLoops)
        .maxConcurrency(config.maxConnections())
        .maxPendingConnectionAcquires(100_000)
        .connectionAcquisitionTimeout(config.callTimeout())
        .connectionTimeout(Duration.ofSeconds(5));
    return builder
        .region(env.region())
        .credentialsProvider(env.credentials())
        .httpClientBuilder(http)
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

  @Override
  public void close() {
    sqs.close();
    dynamoDb.close();
    s3.close();
    // waits (bounded) so that no connection of ours outlives close(): local servers stop faster without them
    eventLoops.eventLoopGroup().shutdownGracefully(500, 3000, TimeUnit.MILLISECONDS).awaitUninterruptibly(4000);
  }
}
