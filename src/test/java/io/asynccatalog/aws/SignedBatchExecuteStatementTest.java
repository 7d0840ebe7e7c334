package io.asynccatalog.aws;

import io.asynccatalog.testing.SharedLocalAws;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.endpoints.DynamoDbEndpointProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * DynamoDB's BatchExecuteStatement as a request of our own ({@link SignedBatchExecuteStatement}): the same body,
 * canonical request and signature as the SDK's client at the same instant, answers read into the SDK's model (against
 * the local DynamoDB server), and the SDK's retries, CRC32 check and error types against a scripted server.
 */
class SignedBatchExecuteStatementTest {
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
  private static Vertx vertx;
  private ScriptedServer server;
  private volatile Consumer<HttpServerRequest> respond;
  private Queue<ScriptedServer.Received> received;
  private VertxSdkHttpClient http;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    server = ScriptedServer.start(vertx, request -> respond.accept(request));
    received = server.received;
    http = new VertxSdkHttpClient(vertx, 8, Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    server.close();
  }

  /** Parameters of every attribute type, and a per-statement option, as the store's statements and beyond. */
  private static List<BatchStatementRequest> statements() {
    return List.of(
        BatchStatementRequest.builder().statement("INSERT INTO \"t\" VALUE {'id': ?, 'name': ?, 'price': ?}")
            .parameters(AttributeValue.fromS("p-1"), AttributeValue.fromS("Stylo \"à\" bille\n\u2603"),
                AttributeValue.fromN("1.99")).build(),
        BatchStatementRequest.builder().statement("UPDATE \"t\" SET \"a\" = ? REMOVE \"b\" WHERE \"id\" = ? AND \"rev\" = ?")
            .parameters(AttributeValue.fromM(Map.of("k", AttributeValue.fromL(List.of(AttributeValue.fromBool(true),
                    AttributeValue.fromNul(true), AttributeValue.fromSs(List.of("x", "y")),
                    AttributeValue.fromNs(List.of("1", "2.5")),
                    AttributeValue.fromB(SdkBytes.fromUtf8String("bytes")),
                    AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("b1"))))))),
                AttributeValue.fromS("p-2"), AttributeValue.fromN("7"))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build(),
        BatchStatementRequest.builder().statement("UPDATE \"t\" SET \"x\" = 1 WHERE \"id\" = 'p-3'")
            .consistentRead(true).build());
  }

  /**
   * The SDK's signed request is captured by an interceptor (and not sent), then ours is signed at its instant with its
   * invocation id. The payload is hashed into DynamoDB's signature, so equal Authorization headers mean equal bodies
   * to the byte as well as equal canonical requests.
   */
  @Test
  void writesAndSignsTheSameRequestAsTheSdkClient() {
    for (Optional<URI> override : List.of(Optional.of(URI.create("http://127.0.0.1:8000")), Optional.<URI>empty())) {
      Region region = override.isPresent() ? Region.US_EAST_1 : Region.EU_WEST_1;
      SdkHttpRequest sdk = sdkSigned(region, override);
      Instant at = AMZ_DATE.parse(sdk.firstMatchingHeader("X-Amz-Date").orElseThrow(), Instant::from);
      SignedEndpoint resolved = SignedBatchExecuteStatement.resolve(
          DynamoDbEndpointProvider.defaultProvider(), region, override).orElseThrow();
      SignedRequests requests = new SignedRequests(vertx, http, CREDENTIALS, retries(), resolved.scope(),
          Clock.systemUTC());
      Buffer body = SignedBatchExecuteStatement.body(statements());
      SdkHttpRequest unsigned = new SignedBatchExecuteStatement(requests, resolved.url())
          .request(body.length()).toBuilder()
          .putHeader("amz-sdk-invocation-id", sdk.firstMatchingHeader("amz-sdk-invocation-id").orElseThrow())
          .putHeader("amz-sdk-request", sdk.firstMatchingHeader("amz-sdk-request").orElseThrow())
          .build();
      AwsCredentialsIdentity identity = CREDENTIALS.resolveIdentity().join();
      SdkHttpRequest direct = requests.sign(unsigned, body, identity, at);

      String where = override.map(URI::toString).orElse("AWS " + region);
      assertEquals(sdk.getUri(), direct.getUri(), where);
      assertEquals(sdk.firstMatchingHeader("Authorization"), direct.firstMatchingHeader("Authorization"), where);
      String signedHeaders = sdk.firstMatchingHeader("Authorization").orElseThrow()
          .replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
      for (String name : signedHeaders.split(";")) {
        assertEquals(sdk.matchingHeaders(name), direct.matchingHeaders(name), where + ": header " + name);
      }
    }
  }

  private SdkHttpRequest sdkSigned(Region region, Optional<URI> override) {
    SdkCapture capture = new SdkCapture();
    DynamoDbAsyncClientBuilder builder = DynamoDbAsyncClient.builder()
        .region(region)
        .credentialsProvider(CREDENTIALS)
        .httpClient(http) // never reached: the request is captured before
        .overrideConfiguration(o -> o.addExecutionInterceptor(capture));
    override.ifPresent(builder::endpointOverride);
    try (DynamoDbAsyncClient dynamoDb = builder.build()) {
      return capture.signed(() -> dynamoDb.batchExecuteStatement(b -> b.statements(statements())));
    }
  }

  /** Against the local DynamoDB server: each statement's answer, errors and old items included, in the SDK's model. */
  @Test
  void readsEachStatementsAnswerFromDynamoDb() throws Exception {
    AwsEnvironment env = SharedLocalAws.environment();
    String table = "signed-statements";
    try (DynamoDbAsyncClient dynamoDb = DynamoDbAsyncClient.builder().region(env.region())
        .credentialsProvider(env.credentials()).endpointOverride(env.dynamoDbEndpoint().orElseThrow())
        .httpClient(http).build()) {
      dynamoDb.createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
          .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))).get(30, TimeUnit.SECONDS);
      SignedEndpoint resolved = SignedBatchExecuteStatement.resolve(
          DynamoDbEndpointProvider.defaultProvider(), env.region(), env.dynamoDbEndpoint()).orElseThrow();
      SignedBatchExecuteStatement direct = new SignedBatchExecuteStatement(new SignedRequests(vertx, http,
          env.credentials(), retries(), resolved.scope(), Clock.systemUTC()), resolved.url());
      String insert = "INSERT INTO \"" + table + "\" VALUE {'id': ?, 'name': ?, 'rev': ?}";

      BatchExecuteStatementResponse first = await(direct.execute(List.of(
          BatchStatementRequest.builder().statement(insert).parameters(AttributeValue.fromS("a"),
              AttributeValue.fromS("Pen"), AttributeValue.fromN("1")).build(),
          BatchStatementRequest.builder().statement(insert).parameters(AttributeValue.fromS("c"),
              AttributeValue.fromS("Pencil"), AttributeValue.fromN("1")).build()), Duration.ofSeconds(10)));
      BatchExecuteStatementResponse second = await(direct.execute(List.of(
          BatchStatementRequest.builder().statement(insert).parameters(AttributeValue.fromS("a"),
              AttributeValue.fromS("Other"), AttributeValue.fromN("1")).build(),
          BatchStatementRequest.builder().statement("UPDATE \"" + table + "\" SET \"name\" = ? WHERE \"id\" = ? AND "
                  + "\"rev\" = ?").parameters(AttributeValue.fromS("Stale"), AttributeValue.fromS("c"),
                  AttributeValue.fromN("0"))
              .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build(),
          BatchStatementRequest.builder().statement(insert).parameters(AttributeValue.fromS("b"),
              AttributeValue.fromS("Ink"), AttributeValue.fromN("1")).build()), Duration.ofSeconds(10)));

      assertNull(first.responses().get(0).error());
      assertNull(first.responses().get(1).error());
      List<BatchStatementResponse> answers = second.responses();
      assertEquals("DuplicateItem", answers.get(0).error().codeAsString());
      assertEquals("ConditionalCheckFailed", answers.get(1).error().codeAsString());
      assertEquals(AttributeValue.fromS("Pencil"), answers.get(1).error().item().get("name"),
          "the old item, asked for");
      assertNull(answers.get(2).error());
      Map<String, AttributeValue> stored = dynamoDb.getItem(b -> b.tableName(table)
          .key(Map.of("id", AttributeValue.fromS("b")))).get(10, TimeUnit.SECONDS).item();
      assertEquals(AttributeValue.fromS("Ink"), stored.get("name"));
    }
  }

  /** An answer whose body does not match DynamoDB's x-amz-crc32 is retried, as the SDK retries it. */
  @Test
  void anAnswerThatFailsItsCrc32IsRetried() throws Exception {
    String body = "{\"Responses\":[{\"TableName\":\"t\"}]}";
    AtomicInteger attempt = new AtomicInteger();
    respond = request -> request.response().putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("x-amz-crc32", attempt.incrementAndGet() == 1 ? "12345" : crc32(body)).end(body);

    BatchExecuteStatementResponse response = await(direct().execute(statements(), Duration.ofSeconds(20)));

    assertEquals("t", response.responses().get(0).tableName());
    assertEquals(2, received.size());
  }

  @Test
  void throttlingIsRetriedAsTheSdkClientRetriesIt() throws Exception {
    AtomicInteger attempt = new AtomicInteger();
    respond = request -> {
      if (attempt.incrementAndGet() == 1) {
        error(request, 400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded.");
      } else {
        request.response().end("{\"Responses\":[]}");
      }
    };

    await(direct().execute(statements(), Duration.ofSeconds(20)));

    assertEquals(2, received.size());
    assertEquals("DynamoDB_20120810.BatchExecuteStatement", received.peek().headers().get("X-Amz-Target"));
  }

  @Test
  void aMissingTableIsTheSdksResourceNotFoundExceptionNotRetried() {
    respond = request -> error(request, 400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "Requested resource not found");

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> await(direct().execute(statements(), Duration.ofSeconds(20))));

    ResourceNotFoundException missing = assertInstanceOf(ResourceNotFoundException.class, failure.getCause());
    assertEquals("ResourceNotFoundException", missing.awsErrorDetails().errorCode());
    assertEquals("Requested resource not found", missing.awsErrorDetails().errorMessage());
    assertEquals(400, missing.statusCode());
    assertEquals(1, received.size());
  }

  @Test
  void throttlingThatOutlastsTheAttemptsFailsAsTheThrottlingException() {
    respond = request -> error(request, 400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "slow down");

    // the DynamoDB client's strategy with three attempts and no backoff: its own would wait out the test
    RetryStrategy quick = AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3)
        .backoffStrategy(BackoffStrategy.retryImmediately())
        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()).build();

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> await(direct(quick).execute(statements(), Duration.ofSeconds(30))));

    ProvisionedThroughputExceededException throttled =
        assertInstanceOf(ProvisionedThroughputExceededException.class, failure.getCause());
    assertEquals(true, throttled.isThrottlingException());
    assertEquals(3, received.size(), "every attempt of the strategy");
  }

  @Test
  void aBodyThatIsNotDynamoDbsJsonFailsTheCallClearly() {
    respond = request -> request.response().end("<html>a proxy's page</html>");

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> await(direct().execute(statements(), Duration.ofSeconds(20))));

    // as the SDK's client fails an answer it cannot unmarshal: a client-side fault, not the product's
    assertInstanceOf(SdkClientException.class, failure.getCause());
  }

  private SignedBatchExecuteStatement direct() {
    return direct(retries());
  }

  private SignedBatchExecuteStatement direct(RetryStrategy retries) {
    URI endpoint = URI.create("http://127.0.0.1:" + server.port());
    SignedEndpoint resolved = SignedBatchExecuteStatement.resolve(
        DynamoDbEndpointProvider.defaultProvider(), Region.US_EAST_1, Optional.of(endpoint)).orElseThrow();
    return new SignedBatchExecuteStatement(new SignedRequests(vertx, http, CREDENTIALS, retries, resolved.scope(),
        Clock.systemUTC()), resolved.url());
  }

  /** The DynamoDB client's own retry strategy. */
  private RetryStrategy retries() {
    try (DynamoDbAsyncClient dynamoDb = DynamoDbAsyncClient.builder().region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS).httpClient(http).build()) {
      return dynamoDb.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow();
    }
  }

  private static void error(HttpServerRequest request, int status, String type, String message) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("x-amzn-RequestId", "req-1")
        .end("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
  }

  private static String crc32(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return Long.toString(crc.getValue());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
