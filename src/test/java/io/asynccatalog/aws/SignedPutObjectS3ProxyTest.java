package io.asynccatalog.aws;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The direct PutObject against an S3 server that verifies SigV4 (S3Proxy with credentials): S3Proxy recomputes the
 * signature from the request it receives, so a request that passes was signed right, bytes and all; one signed with
 * the wrong secret is refused as S3 refuses it.
 */
class SignedPutObjectS3ProxyTest {
  private static final String KEY_ID = "AKIDSIGNED";
  private static final String SECRET = "signed-secret-of-the-test";
  private static Vertx vertx;
  private static S3Proxy proxy;
  private static URI endpoint;
  private static VertxSdkHttpClient http;
  private static S3AsyncClient s3;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    endpoint = URI.create("http://127.0.0.1:" + port);
    proxy = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(dir.toString()))
        .endpoint(endpoint)
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY_ID, SECRET)
        .build();
    proxy.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    vertx = Vertx.vertx();
    http = new VertxSdkHttpClient(vertx, 8, Duration.ofSeconds(2), Duration.ofSeconds(10));
    s3 = S3AsyncClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials(SECRET))
        .endpointOverride(endpoint).forcePathStyle(true).httpClient(http).build();
    s3.createBucket(b -> b.bucket("signed-reports")).get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    http.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    proxy.stop();
  }

  @Test
  void aDirectPutPassesS3ProxysSignatureCheckAndStoresTheBytes() throws Exception {
    byte[] content = "{\"id\":\"p 1\",\"name\":\"Stylo à bille\"}".getBytes(StandardCharsets.UTF_8);

    await(puts(credentials(SECRET)).put("reports/p 1/ü.json", content, "application/json",
        io.asynccatalog.store.ReportBucket.crc32(content), Duration.ofSeconds(10)));

    byte[] stored = s3.getObject(b -> b.bucket("signed-reports").key("reports/p 1/ü.json"),
        AsyncResponseTransformer.toBytes()).get(10, TimeUnit.SECONDS).asByteArray();
    assertArrayEquals(content, stored);
  }

  @Test
  void aRequestSignedWithAnotherSecretIsRefused() {
    byte[] content = "x".getBytes(StandardCharsets.UTF_8);

    ExecutionException failure = assertThrows(ExecutionException.class, () -> await(puts(credentials("wrong"))
        .put("reports/refused.json", content, "application/json",
            io.asynccatalog.store.ReportBucket.crc32(content), Duration.ofSeconds(10))));

    S3Exception refused = assertInstanceOf(S3Exception.class, failure.getCause());
    assertEquals(403, refused.statusCode());
    assertEquals("SignatureDoesNotMatch", refused.awsErrorDetails().errorCode());
  }

  @Test
  void aWrongChecksumIsRefusedByS3NotStored() {
    byte[] content = "the bytes".getBytes(StandardCharsets.UTF_8);

    ExecutionException failure = assertThrows(ExecutionException.class, () -> await(puts(credentials(SECRET))
        .put("reports/bad-crc.json", content, "application/json", "AAAAAA==", Duration.ofSeconds(10))));

    assertEquals(400, assertInstanceOf(S3Exception.class, failure.getCause()).statusCode());
  }

  private static SignedPutObject puts(AwsCredentialsProvider credentials) {
    SignedEndpoint resolved = SignedPutObject.resolve(S3EndpointProvider.defaultProvider(),
        Region.US_EAST_1, "signed-reports", Optional.of(endpoint), true).orElseThrow();
    return new SignedPutObject(new SignedRequests(vertx, http, credentials,
        s3.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow(), resolved.scope(),
        Clock.systemUTC()), resolved.url());
  }

  private static AwsCredentialsProvider credentials(String secret) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, secret));
  }

  private static void await(Future<?> future) throws Exception {
    future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
