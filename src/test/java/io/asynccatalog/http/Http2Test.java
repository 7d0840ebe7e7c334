package io.asynccatalog.http;

import io.asynccatalog.testing.RunningApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 over cleartext: with prior knowledge (an ingestion client's one connection) and by {@code Upgrade: h2c}
 * (what a client does that does not know the server speaks it), the same answers as HTTP/1.1, many POSTs multiplexed
 * on one connection, and the configured limit of streams per connection advertised and kept.
 */
class Http2Test {
  private static final int MAX_STREAMS = 8;
  private static final String PRODUCT = "{\"name\":\"Multiplexed pen\",\"price\":\"2.25\"}";
  private static final String INVALID = "{\"name\":\" \",\"price\":1.999}";

  @TempDir
  static Path dir;
  static RunningApp service;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    service = RunningApp.start("http2", dir, json -> json.put("CATALOG_AUTH", "off")
        .put("CATALOG_HTTP2_CLEARTEXT", true).put("CATALOG_HTTP2_MAX_CONCURRENT_STREAMS", MAX_STREAMS));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private record Answer(int status, HttpVersion version, HttpConnection connection, String type, String location,
                        String body) {}

  private static Future<Answer> post(HttpClient client, String body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(service.app.httpPort()).setURI("/products").putHeader("Content-Type", "application/json");
    return client.request(options).compose(request -> request.send(Buffer.buffer(body))
        .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), response.version(),
            request.connection(), response.getHeader("Content-Type"), response.getHeader("Location"),
            bytes.toString()))));
  }

  @Test
  void withPriorKnowledgeManyPostsShareOneConnectionWithinItsStreamLimit() throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false), new PoolOptions().setHttp2MaxSize(1));
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        answers.add(post(client, PRODUCT));
      }
      Future.all(answers).await(60, TimeUnit.SECONDS);
      Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
      for (Future<Answer> f : answers) {
        Answer answer = f.result();
        assertEquals(202, answer.status(), answer.body());
        assertEquals(HttpVersion.HTTP_2, answer.version());
        String id = new JsonObject(answer.body()).getString("id");
        assertEquals("/products/" + id, answer.location());
        connections.add(answer.connection());
      }
      assertEquals(1, connections.size(), "200 POSTs multiplexed on one connection");
      HttpConnection connection = connections.iterator().next();
      assertEquals(MAX_STREAMS, connection.remoteSettings().getMaxConcurrentStreams(),
          "the server advertises its limit of open streams, and the client kept within it: all answered");
      Answer last = answers.get(199).result();
      service.awaitQueueDrained("multiplexed products stored");
      assertEquals(200, service.http.get("/products/" + new JsonObject(last.body()).getString("id")).statusCode());
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theAnswersAreTheSameAsOverHttp11() throws Exception {
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    HttpClient h1 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1));
    try {
      Answer invalid2 = post(h2, INVALID).await(30, TimeUnit.SECONDS);
      Answer invalid1 = post(h1, INVALID).await(30, TimeUnit.SECONDS);
      assertEquals(HttpVersion.HTTP_2, invalid2.version());
      assertEquals(HttpVersion.HTTP_1_1, invalid1.version());
      assertEquals(400, invalid2.status());
      assertEquals(invalid1.type(), invalid2.type());
      assertEquals(invalid1.body(), invalid2.body(), "the same problem, byte for byte");
      Answer ok2 = post(h2, PRODUCT).await(30, TimeUnit.SECONDS);
      Answer ok1 = post(h1, PRODUCT).await(30, TimeUnit.SECONDS);
      assertEquals(ok1.status(), ok2.status());
      assertEquals(ok1.type(), ok2.type());
      assertEquals(new JsonObject(ok1.body()).fieldNames(), new JsonObject(ok2.body()).fieldNames());
    } finally {
      h2.close().await(10, TimeUnit.SECONDS);
      h1.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClientThatAsksToUpgradeGetsHttp2OnTheSameConnection() throws Exception {
    // the JDK's client asks with Upgrade: h2c on its first request over http://, and goes on over HTTP/2 if answered
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    URI base = URI.create("http://127.0.0.1:" + service.app.httpPort());
    HttpResponse<String> live = client.send(HttpRequest.newBuilder(base.resolve("/health/live")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, live.statusCode());
    assertEquals(java.net.http.HttpClient.Version.HTTP_2, live.version(), "upgraded to h2c");
    HttpResponse<String> posted = client.send(HttpRequest.newBuilder(base.resolve("/products"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(PRODUCT)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, posted.statusCode(), posted.body());
    assertEquals(java.net.http.HttpClient.Version.HTTP_2, posted.version());
    assertTrue(posted.headers().firstValue("Location").orElse("").startsWith("/products/"));
  }

  /**
   * The JDK client's upgrade, with its read buffer at 64 KiB (-Djdk.httpclient.bufsize=65536): 150 fresh clients each
   * get the 18 KB contract whole over an upgraded connection. With the default 16 KiB buffer the client can drop the
   * bytes that arrive between the 101 and its switch to HTTP/2 (see docs/api.md), which is why h2c stays opt-in.
   */
  @Test
  void aJdkClientWithALargerReadBufferGetsLargeAnswersWholeOverAnUpgrade() throws Exception {
    int length = service.http.get("/openapi.json").body().length();
    assertTrue(length > 16 * 1024, "an answer over one HTTP/2 frame: " + length);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process client = new ProcessBuilder(java, "-Djdk.httpclient.bufsize=65536", "-cp",
        System.getProperty("java.class.path"), io.asynccatalog.testing.UpgradingJdkClient.class.getName(),
        "http://127.0.0.1:" + service.app.httpPort() + "/openapi.json", "150", Integer.toString(length))
        .redirectErrorStream(true).start();
    assertTrue(client.waitFor(3, TimeUnit.MINUTES), "the client finished");
    String output = new String(client.getInputStream().readAllBytes()).trim();
    System.out.println("[h2c-upgrade] " + output);
    assertEquals(0, client.exitValue(), output);
    assertTrue(output.contains("whole=150 of 150 http2=150"), output);
  }
}
