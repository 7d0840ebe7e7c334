package io.asynccatalog.aws;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.net.TrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vert.x transport over HTTPS, as it talks to AWS: the call goes encrypted and arrives whole, and a certificate
 * that is not trusted, or that names another host, ends the call before any request is sent.
 */
class VertxSdkHttpClientTlsTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static SelfSignedCertificate certificate;
  private static final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    certificate = SelfSignedCertificate.create("localhost");
    server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(certificate.keyCertOptions()))
        .requestHandler(request -> request.body().onSuccess(body -> {
          received.add(request.isSSL() + " " + request.method() + " " + request.path() + " " + body);
          request.response().putHeader("ETag", "\"tls\"").end();
        }));
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    certificate.delete();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void callsATrustedEndpointOverTlsNamingItsHost() throws Exception {
    received.clear();
    try (VertxSdkHttpClient http = client(certificate.trustOptions());
         S3AsyncClient s3 = s3(http, "localhost")) {
      // with its checksum given, as the service gives it, the SDK sends the body as is (no aws-chunked framing)
      String etag = s3.putObject(b -> b.bucket("reports").key("p1.json").checksumCRC32("RF34xQ=="),
          AsyncRequestBody.fromString("{\"id\":1}")).get(10, TimeUnit.SECONDS).eTag();

      assertEquals("\"tls\"", etag);
    }
    assertEquals("true PUT /reports/p1.json {\"id\":1}", received.poll(), "encrypted, the request whole");
  }

  @Test
  void refusesACertificateTheJvmDoesNotTrust() {
    received.clear();
    try (VertxSdkHttpClient http = client(null); S3AsyncClient s3 = s3(http, "localhost")) {
      assertRefusedByTls(s3);
    }
  }

  @Test
  void refusesATrustedCertificateThatNamesAnotherHost() throws Exception {
    received.clear();
    SelfSignedCertificate other = SelfSignedCertificate.create("reports.example.org");
    HttpServer impostor = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(other.keyCertOptions()))
        .requestHandler(request -> received.add("impostor " + request.path()));
    try {
      impostor.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (VertxSdkHttpClient http = client(other.trustOptions());
           S3AsyncClient s3 = s3(http, "localhost", impostor.actualPort())) {
        assertRefusedByTls(s3);
      }
    } finally {
      impostor.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      other.delete();
    }
  }

  private static void assertRefusedByTls(S3AsyncClient s3) {
    ExecutionException failure = assertThrows(ExecutionException.class, () -> s3.putObject(
        b -> b.bucket("reports").key("p1.json"), AsyncRequestBody.fromString("{}")).get(20, TimeUnit.SECONDS));
    boolean tls = false;
    for (Throwable cause = failure; cause != null && !tls; cause = cause.getCause()) {
      tls = cause instanceof SSLException;
    }
    assertTrue(tls, "refused by the TLS handshake: " + failure);
    assertTrue(received.isEmpty(), "no request reached the server: " + received);
  }

  private static VertxSdkHttpClient client(TrustOptions trust) {
    return new VertxSdkHttpClient(vertx, 4, Duration.ofSeconds(2), Duration.ofSeconds(10), trust);
  }

  private static S3AsyncClient s3(VertxSdkHttpClient http, String host) {
    return s3(http, host, server.actualPort());
  }

  private static S3AsyncClient s3(VertxSdkHttpClient http, String host, int port) {
    return S3AsyncClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
        .endpointOverride(URI.create("https://" + host + ":" + port))
        .forcePathStyle(true)
        .httpClient(http)
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10)))
        .build();
  }
}
