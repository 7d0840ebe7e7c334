package io.asynccatalog.aws;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * S3's PutObject as a request of our own ({@link SignedPutObject}): the same canonical request and signature as the
 * SDK's client at the same instant, and the SDK's retry strategy, credentials and error types around it, against a
 * bare HTTP server that answers as scripted.
 */
class SignedPutObjectTest {
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
  private static Vertx vertx;
  private ScriptedServer server;
  private volatile Consumer<HttpServerRequest> respond;
  private Queue<ScriptedServer.Received> received;
  private AtomicInteger closedConnections;
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
    closedConnections = server.closedConnections;
    http = new VertxSdkHttpClient(vertx, 8, Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    server.close();
  }

  /**
   * For keys that need encoding and on both endpoint styles, the direct request equals what the S3 client sends for
   * {@code putObject(bucket, key, contentType, checksumCRC32)}: the SDK's signed request is captured by an
   * interceptor (and not sent), then the direct path signs its own at the captured instant with the captured
   * invocation id. Equal Authorization headers mean equal canonical requests and string to sign; every signed
   * header's value is compared as well.
   */
  @ParameterizedTest
  @ValueSource(strings = {"reports/p-1/3f2a.txt", "reports/a b/ü+~=&é.json", "reports//double/slash.txt"})
  void signsTheSameCanonicalRequestAsTheSdkClient(String key) throws Exception {
    byte[] content = "{\"id\":\"p-1\",\"name\":\"Pen\"}".getBytes(StandardCharsets.UTF_8);
    String crc32 = "z9pcjA==";
    for (Endpoint endpoint : List.of(
        new Endpoint(Region.US_EAST_1, Optional.of(URI.create("http://127.0.0.1:9000")), true),
        new Endpoint(Region.EU_WEST_1, Optional.empty(), false),
        new Endpoint(Region.EU_WEST_1, Optional.empty(), true))) {
      SdkHttpRequest sdk = sdkSigned(http, endpoint, "catalog-reports", key, content, crc32);
      Instant at = AMZ_DATE.parse(sdk.firstMatchingHeader("X-Amz-Date").orElseThrow(), Instant::from);
      SignedEndpoint resolved = SignedPutObject.resolve(S3EndpointProvider.defaultProvider(),
          endpoint.region(), "catalog-reports", endpoint.override(), endpoint.pathStyle()).orElseThrow();
      SignedRequests requests = new SignedRequests(vertx, http, CREDENTIALS, AwsRetryStrategy.defaultRetryStrategy(),
          resolved.scope(), Clock.systemUTC());
      SdkHttpRequest unsigned = new SignedPutObject(requests, resolved.url())
          .request(key, content.length, "application/json", crc32).toBuilder()
          .putHeader("amz-sdk-invocation-id", sdk.firstMatchingHeader("amz-sdk-invocation-id").orElseThrow())
          .putHeader("amz-sdk-request", sdk.firstMatchingHeader("amz-sdk-request").orElseThrow())
          .build();
      AwsCredentialsIdentity identity = CREDENTIALS.resolveIdentity().join();
      SdkHttpRequest direct = requests.sign(unsigned, Buffer.buffer(content), identity, at);

      String where = endpoint + " " + key;
      assertEquals(sdk.getUri(), direct.getUri(), where);
      assertEquals(sdk.firstMatchingHeader("Authorization"), direct.firstMatchingHeader("Authorization"), where);
      String signedHeaders = sdk.firstMatchingHeader("Authorization").orElseThrow()
          .replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
      for (String name : signedHeaders.split(";")) {
        assertEquals(sdk.matchingHeaders(name), direct.matchingHeaders(name), where + ": header " + name);
      }
    }
  }

  record Endpoint(Region region, Optional<URI> override, boolean pathStyle) {}

  /** The request the S3 client signs for this put, captured just before it would be sent, then abandoned. */
  private static SdkHttpRequest sdkSigned(VertxSdkHttpClient http, Endpoint endpoint, String bucket, String key, byte[] content, String crc32) {
    SdkCapture capture = new SdkCapture();
    S3AsyncClientBuilder builder = S3AsyncClient.builder()
        .region(endpoint.region())
        .credentialsProvider(CREDENTIALS)
        .httpClient(http) // never reached: the request is captured before
        .forcePathStyle(endpoint.pathStyle())
        .overrideConfiguration(o -> o.addExecutionInterceptor(capture));
    endpoint.override().ifPresent(builder::endpointOverride);
    try (S3AsyncClient s3 = builder.build()) {
      return capture.signed(() -> s3.putObject(b -> b.bucket(bucket).key(key)
          .contentType("application/json").checksumCRC32(crc32), AsyncRequestBody.fromBytes(content)));
    }
  }

  @Test
  void sendsTheBodyAndTheSignedHeadersAsSigned() throws Exception {
    respond = request -> request.response().putHeader("ETag", "\"e\"").end();
    byte[] content = "report body".getBytes(StandardCharsets.UTF_8);

    await(puts(CREDENTIALS).put("reports/p 1.txt", content, "text/plain", "AAAAAA==", Duration.ofSeconds(5)));

    ScriptedServer.Received got = received.poll();
    assertEquals("PUT", got.method());
    assertEquals("/catalog-reports/reports/p%201.txt", got.uri());
    assertArrayEquals(content, got.body());
    assertEquals("text/plain", got.headers().get("Content-Type"));
    assertEquals("AAAAAA==", got.headers().get("x-amz-checksum-crc32"));
    assertEquals("UNSIGNED-PAYLOAD", got.headers().get("x-amz-content-sha256"));
    assertEquals("attempt=1; max=4", got.headers().get("amz-sdk-request"));
    assertTrue(got.headers().get("Authorization").startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        got.headers().get("Authorization"));
  }

  /** The S3 client's own retry strategy: a 500 and a 503 SlowDown are retried, under one invocation id. */
  @Test
  void retriesServerErrorsAndThrottlingAsTheSdkClientDoes() throws Exception {
    AtomicInteger attempt = new AtomicInteger();
    respond = request -> {
      switch (attempt.incrementAndGet()) {
        case 1 -> error(request, 500, "InternalError", "try again");
        case 2 -> error(request, 503, "SlowDown", "Please reduce your request rate.");
        default -> request.response().end();
      }
    };

    await(puts(CREDENTIALS).put("k", "x".getBytes(), "text/plain", "AAAAAA==", Duration.ofSeconds(20)));

    List<ScriptedServer.Received> attempts = List.copyOf(received);
    assertEquals(3, attempts.size(), "a 500, a 503 SlowDown, then the answer");
    assertEquals(List.of("attempt=1; max=4", "attempt=2; max=4", "attempt=3; max=4"),
        attempts.stream().map(r -> r.headers().get("amz-sdk-request")).toList());
    assertEquals(1, attempts.stream().map(r -> r.headers().get("amz-sdk-invocation-id")).distinct().count());
  }

  /** An answer no retry can change fails at once, as the S3 client's exception with S3's code and message. */
  @Test
  void aClientErrorIsNotRetriedAndKeepsS3sCodeAndMessage() {
    respond = request -> error(request, 403, "AccessDenied", "Access Denied & more");

    Throwable failure = failure(puts(CREDENTIALS).put("k", "x".getBytes(), "text/plain", "AAAAAA==",
        Duration.ofSeconds(20)));

    S3Exception s3 = assertInstanceOf(S3Exception.class, failure);
    assertEquals(403, s3.statusCode());
    assertEquals("AccessDenied", s3.awsErrorDetails().errorCode());
    assertEquals("Access Denied & more", s3.awsErrorDetails().errorMessage());
    assertEquals("req-1", s3.requestId());
    assertTrue(s3.getMessage().contains("Status Code: 403"), s3.getMessage());
    assertEquals(1, received.size(), "not retried");
  }

  @Test
  void aMissingBucketIsTheSdksNoSuchBucketException() {
    respond = request -> error(request, 404, "NoSuchBucket", "The specified bucket does not exist");

    assertInstanceOf(NoSuchBucketException.class, failure(puts(CREDENTIALS).put("k", "x".getBytes(), "text/plain",
        "AAAAAA==", Duration.ofSeconds(20))));
  }

  /** A transport failure is retried as the SDK retries its own, until the strategy's attempts are spent. */
  @Test
  void retriesAConnectionClosedBeforeAnyAnswerUntilTheAttemptsAreSpent() {
    respond = request -> request.connection().close();

    Throwable failure = failure(puts(CREDENTIALS).put("k", "x".getBytes(), "text/plain", "AAAAAA==",
        Duration.ofSeconds(30)));

    assertInstanceOf(SdkClientException.class, failure);
    assertEquals(4, received.size(), "the S3 client's four attempts");
  }

  @Test
  void retriesAnAnswerCutOffInTheMiddle() throws Exception {
    AtomicInteger attempt = new AtomicInteger();
    respond = request -> {
      if (attempt.incrementAndGet() == 1) {
        request.response().putHeader("Content-Length", "100").write(Buffer.buffer("only ten b"))
            .onComplete(v -> request.connection().close());
      } else {
        request.response().end();
      }
    };

    await(puts(CREDENTIALS).put("k", "x".getBytes(), "text/plain", "AAAAAA==", Duration.ofSeconds(20)));

    assertEquals(2, received.size(), "the cut answer was retried once");
  }

  @Test
  void aCallThatTimesOutFailsAsTheSdksCallTimeoutAndDropsItsConnection() {
    respond = request -> {}; // never answers

    Throwable failure = failure(puts(CREDENTIALS).put("k", "x".getBytes(), "text/plain", "AAAAAA==",
        Duration.ofMillis(500)));

    assertInstanceOf(ApiCallTimeoutException.class, failure);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (closedConnections.get() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(closedConnections.get() > 0, "the abandoned request's connection is closed, not left waiting");
  }

  /** S3's RequestTimeTooSkewed: the retry is signed at the server's time, taken from its Date header. */
  @Test
  void aSkewedClockIsCorrectedFromTheServersDate() throws Exception {
    Instant serverTime = Instant.now().plus(Duration.ofHours(2));
    AtomicInteger attempt = new AtomicInteger();
    respond = request -> {
      if (attempt.incrementAndGet() == 1) {
        request.response().putHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME
            .format(ZonedDateTime.ofInstant(serverTime, ZoneOffset.UTC)));
        error(request, 403, "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.");
      } else {
        request.response().end();
      }
    };

    await(puts(CREDENTIALS).put("k", "x".getBytes(), "text/plain", "AAAAAA==", Duration.ofSeconds(20)));

    List<ScriptedServer.Received> attempts = List.copyOf(received);
    assertEquals(2, attempts.size());
    Instant first = AMZ_DATE.parse(attempts.get(0).headers().get("X-Amz-Date"), Instant::from);
    Instant second = AMZ_DATE.parse(attempts.get(1).headers().get("X-Amz-Date"), Instant::from);
    assertTrue(Duration.between(first, second).compareTo(Duration.ofMinutes(119)) > 0,
        "the retry is signed two hours later: " + first + " then " + second);
  }

  /** Credentials are asked of the provider for every call, so a refreshed set (a task role's) is used at once. */
  @Test
  void eachCallSignsWithTheCredentialsTheProviderGivesThen() throws Exception {
    respond = request -> request.response().end();
    AtomicInteger rotation = new AtomicInteger();
    AwsCredentialsProvider rotating = () -> AwsBasicCredentials.create("AKID" + rotation.incrementAndGet(), "secret");
    SignedPutObject puts = puts(rotating);

    await(puts.put("k", "x".getBytes(), "text/plain", "AAAAAA==", Duration.ofSeconds(5)));
    await(puts.put("k", "x".getBytes(), "text/plain", "AAAAAA==", Duration.ofSeconds(5)));

    List<String> keys = received.stream().map(r -> r.headers().get("Authorization")
        .replaceAll(".*Credential=([^/]*)/.*", "$1")).toList();
    assertEquals(List.of("AKID1", "AKID2"), keys);
  }

  @Test
  void completesOnTheCallersEventLoop() throws Exception {
    respond = request -> request.response().end();
    SignedPutObject puts = puts(CREDENTIALS);
    CompletableFuture<String[]> threads = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      String caller = Thread.currentThread().getName();
      puts.put("k", "x".getBytes(), "text/plain", "AAAAAA==", Duration.ofSeconds(5))
          .onComplete(done -> threads.complete(new String[] {caller, Thread.currentThread().getName()}));
    });

    String[] names = threads.get(10, TimeUnit.SECONDS);
    assertTrue(names[0].startsWith("vert.x-eventloop-thread"), names[0]);
    assertEquals(names[0], names[1], "no hand-off to another thread and back");
    assertNotEquals(null, received.peek());
  }

  private SignedPutObject puts(AwsCredentialsProvider credentials) {
    URI endpoint = URI.create("http://127.0.0.1:" + server.port());
    SignedEndpoint resolved = SignedPutObject.resolve(S3EndpointProvider.defaultProvider(),
        Region.US_EAST_1, "catalog-reports", Optional.of(endpoint), true).orElseThrow();
    RetryStrategy retries;
    try (S3AsyncClient s3 = S3AsyncClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
        .httpClient(http).endpointOverride(endpoint).build()) {
      retries = s3.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow();
    }
    return new SignedPutObject(new SignedRequests(vertx, http, credentials, retries, resolved.scope(),
        Clock.systemUTC()), resolved.url());
  }

  private static void error(HttpServerRequest request, int status, String code, String message) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/xml")
        .putHeader("x-amz-request-id", "req-1")
        .end("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
            + message.replace("&", "&amp;") + "</Message></Error>");
  }

  private static void await(Future<?> future) throws Exception {
    future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
    return e.getCause();
  }
}
