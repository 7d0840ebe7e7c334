package io.asynccatalog.aws;

import io.asynccatalog.testing.SharedLocalAws;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQS's SendMessageBatch and DeleteMessageBatch as requests of our own ({@link SignedQueueCalls}): the same body,
 * canonical request and signature as the SDK's client at the same instant, answers read into the SDK's model against
 * the local SQS server, the SDK's MD5 checks and exception types.
 */
class SignedQueueCallsTest {
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
  private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/catalog";
  private static Vertx vertx;
  private static VertxSdkHttpClient http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    http = new VertxSdkHttpClient(vertx, 8, Duration.ofSeconds(2), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<SendMessageBatchRequestEntry> entries() {
    return List.of(
        SendMessageBatchRequestEntry.builder().id("0").messageBody("{\"v\":2,\"p\":[\"Stylo à bille \\u2603\"]}")
            .messageAttributes(Map.of(
                "traceparent", MessageAttributeValue.builder().dataType("String")
                    .stringValue("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").build(),
                "rejected-reason", MessageAttributeValue.builder().dataType("String").stringValue("too big").build()))
            .build(),
        SendMessageBatchRequestEntry.builder().id("1").messageBody("plain").delaySeconds(30).build());
  }

  private static List<DeleteMessageBatchRequestEntry> deletes() {
    return List.of(DeleteMessageBatchRequestEntry.builder().id("0").receiptHandle("AQEB+/handle=").build(),
        DeleteMessageBatchRequestEntry.builder().id("1").receiptHandle("other#handle").build());
  }

  /**
   * The SDK's signed requests are captured (and not sent), then ours are signed at their instant with their
   * invocation id; SQS's payload is hashed into its signature, so equal Authorization headers mean equal bodies.
   */
  @Test
  void writesAndSignsTheSameRequestsAsTheSdkClient() {
    for (Optional<URI> override : List.of(Optional.of(URI.create("http://127.0.0.1:9324")), Optional.<URI>empty())) {
      Region region = override.isPresent() ? Region.US_EAST_1 : Region.EU_WEST_1;
      SignedEndpoint resolved = SignedQueueCalls.resolve(SqsEndpointProvider.defaultProvider(), region,
          override).orElseThrow();
      SignedRequests requests = new SignedRequests(vertx, http, CREDENTIALS, retries(), resolved.scope(),
          Clock.systemUTC());
      SignedQueueCalls direct = new SignedQueueCalls(requests, resolved.url(), Duration.ofSeconds(10));

      SdkHttpRequest sdkSend = sdkSigned(region, override, sqs -> sqs.sendMessageBatch(b -> b.queueUrl(QUEUE)
          .entries(entries())));
      compare(requests, sdkSend, direct.request("SendMessageBatch", SignedQueueCalls.sendBody(QUEUE, entries())
          .length()), SignedQueueCalls.sendBody(QUEUE, entries()), "send " + region);

      SdkHttpRequest sdkDelete = sdkSigned(region, override, sqs -> sqs.deleteMessageBatch(b -> b.queueUrl(QUEUE)
          .entries(deletes())));
      compare(requests, sdkDelete, direct.request("DeleteMessageBatch", SignedQueueCalls.deleteBody(QUEUE, deletes())
          .length()), SignedQueueCalls.deleteBody(QUEUE, deletes()), "delete " + region);
    }
  }

  private static void compare(SignedRequests requests, SdkHttpRequest sdk, SdkHttpRequest unsigned, Buffer body,
                              String where) {
    Instant at = AMZ_DATE.parse(sdk.firstMatchingHeader("X-Amz-Date").orElseThrow(), Instant::from);
    SdkHttpRequest direct = requests.sign(unsigned.toBuilder()
        .putHeader("amz-sdk-invocation-id", sdk.firstMatchingHeader("amz-sdk-invocation-id").orElseThrow())
        .putHeader("amz-sdk-request", sdk.firstMatchingHeader("amz-sdk-request").orElseThrow())
        .build(), body, CREDENTIALS.resolveIdentity().join(), at);
    assertEquals(sdk.getUri(), direct.getUri(), where);
    assertEquals(sdk.firstMatchingHeader("Authorization"), direct.firstMatchingHeader("Authorization"), where);
    String signedHeaders = sdk.firstMatchingHeader("Authorization").orElseThrow()
        .replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
    for (String name : signedHeaders.split(";")) {
      assertEquals(sdk.matchingHeaders(name), direct.matchingHeaders(name), where + ": header " + name);
    }
  }

  private static SdkHttpRequest sdkSigned(Region region, Optional<URI> override,
                                          java.util.function.Function<SqsAsyncClient, java.util.concurrent.CompletableFuture<?>> call) {
    SdkCapture capture = new SdkCapture();
    SqsAsyncClientBuilder builder = SqsAsyncClient.builder()
        .region(region)
        .credentialsProvider(CREDENTIALS)
        .httpClient(http) // never reached: the request is captured before
        .overrideConfiguration(o -> o.addExecutionInterceptor(capture));
    override.ifPresent(builder::endpointOverride);
    try (SqsAsyncClient sqs = builder.build()) {
      return capture.signed(() -> call.apply(sqs));
    }
  }

  /** The MD5 the SQS client checks, computed as SQS computes it (a value SQS answered for this attribute). */
  @Test
  void computesTheAttributesMd5AsSqsDoes() {
    assertEquals("9943bb169ea977b3747ca1ec0bb58d57", SignedQueueCalls.attributesMd5(Map.of("trace",
        MessageAttributeValue.builder().dataType("String").stringValue("t1").build())));
    assertEquals("5d41402abc4b2a76b9719d911017c592", SignedQueueCalls.md5Hex("hello".getBytes()));
  }

  /** Against the local SQS server: sent messages arrive whole with their attributes, and are deleted. */
  @Test
  void sendsAndDeletesThroughTheLocalSqsServer() throws Exception {
    AwsEnvironment env = SharedLocalAws.environment();
    try (SqsAsyncClient sqs = SqsAsyncClient.builder().region(env.region()).credentialsProvider(env.credentials())
        .endpointOverride(env.sqsEndpoint().orElseThrow()).httpClient(http).build()) {
      String url = sqs.createQueue(b -> b.queueName("signed-queue-calls")).get(30, TimeUnit.SECONDS).queueUrl();
      SignedEndpoint resolved = SignedQueueCalls.resolve(SqsEndpointProvider.defaultProvider(),
          env.region(), env.sqsEndpoint()).orElseThrow();
      SignedQueueCalls direct = new SignedQueueCalls(new SignedRequests(vertx, http, env.credentials(), retries(),
          resolved.scope(), Clock.systemUTC()), resolved.url(), Duration.ofSeconds(10));
      List<SendMessageBatchRequestEntry> entries = List.of(entries().get(0),
          entries().get(1).toBuilder().delaySeconds(0).build());

      SendMessageBatchResponse sent = await(direct.send(url, entries, Duration.ofSeconds(10)));

      assertEquals(2, sent.successful().size(), "both entries accepted, their MD5s checked");
      List<Message> received = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)
          .messageAttributeNames("All")).get(30, TimeUnit.SECONDS).messages().stream()
          .sorted(Comparator.comparing(Message::body)).toList();
      assertEquals(List.of("plain", entries.get(0).messageBody()), received.stream().map(Message::body).toList());
      assertEquals("too big", received.get(1).messageAttributes().get("rejected-reason").stringValue());

      DeleteMessageBatchResponse deleted = await(direct.delete(url, List.of(
          DeleteMessageBatchRequestEntry.builder().id("a").receiptHandle(received.get(0).receiptHandle()).build(),
          DeleteMessageBatchRequestEntry.builder().id("b").receiptHandle(received.get(1).receiptHandle()).build(),
          DeleteMessageBatchRequestEntry.builder().id("c").receiptHandle("not-a-handle").build()), null));

      assertEquals(List.of("a", "b"), deleted.successful().stream().map(e -> e.id()).sorted().toList());
      assertEquals("c", deleted.failed().get(0).id(), "a bad handle fails alone, with SQS's code");
      assertTrue(deleted.failed().get(0).code() != null && !deleted.failed().get(0).code().isEmpty());

      ExecutionException missing = assertThrows(ExecutionException.class,
          () -> await(direct.send(url + "-missing", entries, Duration.ofSeconds(10))));
      assertInstanceOf(QueueDoesNotExistException.class, missing.getCause());
    }
  }

  /** An MD5 that does not match what was sent fails the call as the SQS client fails it, without sending again. */
  @Test
  void anAnswerWhoseMd5DoesNotMatchFailsTheCall() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = server(request -> {
      calls.incrementAndGet();
      request.response().putHeader("Content-Type", "application/x-amz-json-1.0").end("{\"Successful\":[{\"Id\":\"1\","
          + "\"MessageId\":\"m\",\"MD5OfMessageBody\":\"00000000000000000000000000000000\"}],\"Failed\":[]}");
    });
    try {
      ExecutionException failure = assertThrows(ExecutionException.class, () -> await(direct(server)
          .send(QUEUE, entries(), Duration.ofSeconds(10))));
      assertInstanceOf(SdkClientException.class, failure.getCause());
      assertTrue(failure.getCause().getMessage().contains("MD5"), failure.getCause().getMessage());
      assertEquals(1, calls.get());
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** SQS's query-compatible error code (x-amzn-query-error) is the exception's code, as the SQS client reads it. */
  @Test
  void throttlingIsRetriedAndReadFromTheQueryErrorHeader() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = server(request -> {
      if (calls.incrementAndGet() == 1) {
        request.response().setStatusCode(400).putHeader("x-amzn-query-error", "RequestThrottled;Sender")
            .end("{\"__type\":\"com.amazonaws.sqs#RequestThrottled\",\"message\":\"Rate exceeded\"}");
      } else {
        request.response().end("{\"Successful\":[{\"Id\":\"0\"}]}");
      }
    });
    try {
      DeleteMessageBatchResponse response = await(direct(server).delete(QUEUE, deletes(), Duration.ofSeconds(20)));
      assertEquals("0", response.successful().get(0).id());
      assertEquals(2, calls.get(), "the throttled call was sent again");
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static HttpServer server(Consumer<io.vertx.core.http.HttpServerRequest> respond) throws Exception {
    return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(b -> respond.accept(request)))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static SignedQueueCalls direct(HttpServer server) {
    SignedEndpoint resolved = SignedQueueCalls.resolve(SqsEndpointProvider.defaultProvider(),
        Region.US_EAST_1, Optional.of(URI.create("http://127.0.0.1:" + server.actualPort()))).orElseThrow();
    return new SignedQueueCalls(new SignedRequests(vertx, http, CREDENTIALS, retries(), resolved.scope(),
        Clock.systemUTC()), resolved.url(), Duration.ofSeconds(10));
  }

  /** The SQS client's own retry strategy. */
  private static RetryStrategy retries() {
    try (SqsAsyncClient sqs = SqsAsyncClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
        .httpClient(http).build()) {
      return sqs.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
