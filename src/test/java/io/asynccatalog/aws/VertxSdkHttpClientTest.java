package io.asynccatalog.aws;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vert.x transport of the AWS SDK against a bare HTTP server that records what arrives: the bytes on the wire
 * are the bytes the SDK signed, responses reach the SDK whole, transport failures are retried as the SDK's own
 * are, a timed-out call drops its connection, and the call completes on the caller's event loop.
 */
class VertxSdkHttpClientTest {
  private static Vertx vertx;
  private ScriptedServer server;
  private volatile Consumer<HttpServerRequest> respond;
  private Queue<ScriptedServer.Received> received;
  private AtomicInteger closedConnections;
  private VertxSdkHttpClient http;
  private S3AsyncClient s3;
  private final AtomicReference<SdkHttpRequest> signed = new AtomicReference<>();

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
    s3 = client(Duration.ofSeconds(10));
  }

  private S3AsyncClient client(Duration callTimeout) {
    return S3AsyncClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
        .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
        .forcePathStyle(true)
        .httpClient(http)
        .asyncConfiguration(a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
            Runnable::run))
        .overrideConfiguration(o -> o.apiCallTimeout(callTimeout).addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            signed.set(context.httpRequest());
          }
        }))
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    s3.close();
    http.close();
    server.close();
  }

  @Test
  void sendsTheSignedRequestAsSignedAndReturnsTheResponseHeaders() throws Exception {
    respond = request -> request.response().putHeader("ETag", "\"abc123\"").end();
    byte[] content = "{\"id\":\"p-1\",\"name\":\"Pen\"}".getBytes(StandardCharsets.UTF_8);

    CRC32 crc = new CRC32();
    crc.update(content);
    String checksum = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());

    // with its checksum given, the SDK sends the body as is (no aws-chunked framing), so it can be compared
    PutObjectResponse response = s3.putObject(b -> b.bucket("reports").key("reports/p 1.json")
            .contentType("application/json").checksumCRC32(checksum), AsyncRequestBody.fromBytes(content))
        .get(10, TimeUnit.SECONDS);

    assertEquals("\"abc123\"", response.eTag(), "a response header reaches the SDK");
    ScriptedServer.Received got = received.poll();
    SdkHttpRequest sent = signed.get();
    assertEquals("PUT", got.method());
    assertEquals(sent.encodedPath(), got.uri().replaceFirst("\\?.*", ""), "the path as signed, still encoded");
    assertArrayEquals(content, got.body(), "the body bytes as the SDK gave them");
    String signedHeaders = sent.firstMatchingHeader("Authorization").orElseThrow()
        .replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
    for (String name : signedHeaders.split(";")) {
      List<String> values = got.headers().getAll(name);
      List<String> expected = name.equals("host") ? List.of(sent.host() + ":" + sent.port()) : sent.headers().entrySet()
          .stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst().map(Map.Entry::getValue).orElseThrow();
      assertEquals(expected, values, "signed header " + name + " arrives once, unchanged");
    }
    assertEquals(sent.firstMatchingHeader("Authorization").orElseThrow(), got.headers().get("Authorization"));
  }

  @Test
  void deliversALargeResponseBodyWhole() throws Exception {
    byte[] content = new byte[300_000];
    new Random(7).nextBytes(content);
    respond = request -> request.response().putHeader("Content-Type", "application/octet-stream")
        .end(Buffer.buffer(content));

    byte[] read = s3.getObject(b -> b.bucket("reports").key("big"), AsyncResponseTransformer.toBytes())
        .get(10, TimeUnit.SECONDS).asByteArray();

    assertArrayEquals(content, read);
    assertEquals("GET", received.poll().method());
  }

  @Test
  void retriesAConnectionClosedBeforeAnyResponseLikeAnyTransportFailure() {
    respond = request -> request.connection().close();

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> s3.putObject(b -> b.bucket("reports").key("k"), AsyncRequestBody.fromString("x")).get(20, TimeUnit.SECONDS));

    assertInstanceOf(SdkClientException.class, failure.getCause());
    assertTrue(received.size() >= 2, "the SDK retried the transport failure: " + received.size() + " attempt(s)");
  }

  /**
   * The SDK's retry policy works through this transport as through its own: a 500 and a 503 SlowDown (S3's
   * throttling) are retried with backoff, and the third attempt's answer is the call's.
   */
  @Test
  void retriesServerErrorsAndThrottlingThenSucceeds() throws Exception {
    AtomicInteger attempt = new AtomicInteger();
    respond = request -> {
      switch (attempt.incrementAndGet()) {
        case 1 -> request.response().setStatusCode(500).putHeader("Content-Type", "application/xml")
            .end("<Error><Code>InternalError</Code><Message>try again</Message></Error>");
        case 2 -> request.response().setStatusCode(503).putHeader("Content-Type", "application/xml")
            .end("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
        default -> request.response().putHeader("ETag", "\"third\"").end();
      }
    };

    PutObjectResponse response = s3.putObject(b -> b.bucket("reports").key("k"), AsyncRequestBody.fromString("x"))
        .get(20, TimeUnit.SECONDS);

    assertEquals("\"third\"", response.eTag());
    assertEquals(3, received.size(), "a 500, a 503 SlowDown, then the answer");
  }

  /** An answer cut off mid-body (the connection lost after the headers) fails the attempt, and the SDK retries it. */
  @Test
  void retriesAConnectionLostInTheMiddleOfTheAnswer() throws Exception {
    AtomicInteger attempt = new AtomicInteger();
    respond = request -> {
      if (attempt.incrementAndGet() == 1) {
        request.response().putHeader("Content-Length", "100").putHeader("Content-Type", "application/octet-stream")
            .write(Buffer.buffer("only ten b")).onComplete(v -> request.connection().close());
      } else {
        request.response().putHeader("Content-Type", "application/octet-stream").end("whole");
      }
    };

    byte[] read = s3.getObject(b -> b.bucket("reports").key("cut"), AsyncResponseTransformer.toBytes())
        .get(20, TimeUnit.SECONDS).asByteArray();

    assertEquals("whole", new String(read, StandardCharsets.UTF_8), "the retry's answer, not the cut one");
    assertEquals(2, received.size(), "the cut answer was retried once");
  }

  @Test
  void aCallThatTimesOutDropsItsConnection() throws Exception {
    respond = request -> {}; // never answers
    s3.close();
    s3 = client(Duration.ofMillis(500));

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> s3.putObject(b -> b.bucket("reports").key("k"), AsyncRequestBody.fromString("x")).get(20, TimeUnit.SECONDS));

    assertInstanceOf(ApiCallTimeoutException.class, failure.getCause());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (closedConnections.get() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(closedConnections.get() > 0, "the abandoned request's connection is closed, not left waiting");
  }

  @Test
  void completesOnTheCallersEventLoop() throws Exception {
    respond = request -> request.response().putHeader("ETag", "\"e\"").end();
    CompletableFuture<String[]> threads = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      String caller = Thread.currentThread().getName();
      s3.putObject(b -> b.bucket("reports").key("k"), AsyncRequestBody.fromString("x"))
          .whenComplete((response, error) -> threads.complete(new String[] {caller, Thread.currentThread().getName()}));
    });

    String[] names = threads.get(10, TimeUnit.SECONDS);
    assertTrue(names[0].startsWith("vert.x-eventloop-thread"), names[0]);
    assertEquals(names[0], names[1], "no hand-off to another thread and back");
  }
}
