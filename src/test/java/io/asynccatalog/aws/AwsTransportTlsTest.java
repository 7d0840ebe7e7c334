package io.asynccatalog.aws;

import io.asynccatalog.testing.TestConfigs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.regions.Region;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both transports of the AWS clients over HTTPS, as they talk to AWS (the local servers speak plain HTTP): a call
 * to a trusted endpoint goes encrypted and arrives whole; a certificate that is not trusted, or a trusted one that
 * names another host, ends the call in the handshake, before any request is sent.
 */
class AwsTransportTlsTest {
  private static Vertx vertx;
  private static SelfSignedCertificate localhost;
  private static SelfSignedCertificate otherHost;
  private static HttpServer server;
  private static final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    localhost = SelfSignedCertificate.create("localhost");
    otherHost = SelfSignedCertificate.create("reports.example.org");
    server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(localhost.keyCertOptions()))
        .requestHandler(request -> request.body().onSuccess(body -> {
          received.add(request.isSSL() + " " + request.method() + " " + request.path() + " " + body);
          request.response().putHeader("ETag", "\"tls\"").end();
        }));
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    localhost.delete();
    otherHost.delete();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clear() {
    received.clear();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"netty", "vertx"})
  void callsATrustedEndpointOverTls(String transport, @TempDir Path dir) throws Exception {
    try (AwsClients clients = clients(transport, dir, localhost.trustOptions().getTrustManagerFactory(vertx))) {
      // with its checksum given, as the service gives it, the SDK sends the body as is (no aws-chunked framing)
      String etag = clients.s3().putObject(b -> b.bucket("reports").key("p1.json").checksumCRC32("RF34xQ=="),
          AsyncRequestBody.fromString("{\"id\":1}")).get(20, TimeUnit.SECONDS).eTag();

      assertEquals("\"tls\"", etag);
    }
    assertEquals("true PUT /reports/p1.json {\"id\":1}", received.poll(), "encrypted, the request whole");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"netty", "vertx"})
  void refusesACertificateTheJvmDoesNotTrust(String transport, @TempDir Path dir) {
    try (AwsClients clients = clients(transport, dir, null)) {
      assertRefusedByTls(clients);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"netty", "vertx"})
  void refusesATrustedCertificateThatNamesAnotherHost(String transport, @TempDir Path dir) throws Exception {
    // the client trusts exactly the certificate this server shows, but it names another host than the one called
    HttpServer impostor = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(otherHost.keyCertOptions()))
        .requestHandler(request -> received.add("impostor " + request.path()));
    try {
      impostor.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (AwsClients clients = clients(transport, dir, otherHost.trustOptions().getTrustManagerFactory(vertx),
          impostor.actualPort())) {
        assertRefusedByTls(clients);
      }
    } finally {
      impostor.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The CRT transport checks certificates against the system's CA store, not the JVM's trust: a certificate no public
   * CA signed never gets a request. Unlike the other two, which fail in the handshake at once, the CRT client here
   * ends such a call only at the call's timeout (the failure says TLS, or that the time ran out).
   */
  @Test
  void crtRefusesACertificateNoSystemAuthoritySigned(@TempDir Path dir) {
    try (AwsClients clients = clients("crt", dir, null)) {
      ExecutionException failure = assertThrows(ExecutionException.class, () -> clients.s3().putObject(
          b -> b.bucket("reports").key("p1.json"), AsyncRequestBody.fromString("{}")).get(30, TimeUnit.SECONDS));
      StringBuilder messages = new StringBuilder();
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        messages.append(cause).append(" | ");
      }
      assertTrue(messages.toString().contains("TLS") || messages.toString().contains("ApiCallTimeoutException"),
          "refused by the TLS negotiation, or never past it: " + messages);
    }
    assertTrue(received.isEmpty(), "no request reached the server: " + received);
  }

  private static void assertRefusedByTls(AwsClients clients) {
    ExecutionException failure = assertThrows(ExecutionException.class, () -> clients.s3().putObject(
        b -> b.bucket("reports").key("p1.json"), AsyncRequestBody.fromString("{}")).get(30, TimeUnit.SECONDS));
    boolean tls = false;
    for (Throwable cause = failure; cause != null && !tls; cause = cause.getCause()) {
      tls = cause instanceof SSLException;
    }
    assertTrue(tls, "refused by the TLS handshake: " + failure);
    assertTrue(received.isEmpty(), "no request reached the server: " + received);
  }

  private static AwsClients clients(String transport, Path dir, TrustManagerFactory trust) {
    return clients(transport, dir, trust, server.actualPort());
  }

  /** The clients as the service builds them, every endpoint at https://localhost:port. */
  private static AwsClients clients(String transport, Path dir, TrustManagerFactory trust, int port) {
    URI endpoint = URI.create("https://localhost:" + port);
    AwsEnvironment env = new AwsEnvironment(Optional.of(endpoint), Optional.of(endpoint), Optional.of(endpoint),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")), Region.US_EAST_1, true);
    return AwsClients.create(vertx, env, TestConfigs.config(TestConfigs.isolated("tls", dir)
        .put("CATALOG_AWS_HTTP_CLIENT", transport)).aws(), trust);
  }
}
