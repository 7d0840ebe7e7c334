package io.asynccatalog.http;

import io.asynccatalog.testing.RunningApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP contract of the core: status codes, problem+json bodies, health. */
@ExtendWith(VertxExtension.class)
class HttpApiTest {
  @TempDir
  static Path dir;
  static RunningApp service;
  static WebClient client;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    service = RunningApp.start("httpapi", dir, json -> json.put("CATALOG_HTTP_MAX_BODY_BYTES", 1024));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(service.app.httpPort()));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static JsonObject problem(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals(Problems.CONTENT_TYPE, response.getHeader("Content-Type"));
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(status, body.getInteger("status"));
    assertTrue(body.getString("type").startsWith("urn:asynccatalog:problem:"), body.encode());
    assertTrue(body.getString("title").length() > 2);
    assertTrue(body.getString("detail").length() > 5);
    return body;
  }

  @Test
  void anInvalidProductIsA400NamingEachField(VertxTestContext test) {
    client.post("/products").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"name\":\"\",\"price\":-1,\"extra\":true}"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          JsonObject body = problem(response, 400);
          List<String> fields = body.getJsonArray("errors").stream()
              .map(e -> ((JsonObject) e).getString("field")).toList();
          assertTrue(fields.containsAll(List.of("name", "price", "extra")), fields.toString());
          test.completeNow();
        })));
  }

  @Test
  void malformedJsonIsA400(VertxTestContext test) {
    client.post("/products").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"name\":"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertTrue(problem(response, 400).getString("detail").contains("not valid JSON"));
          test.completeNow();
        })));
  }

  @Test
  void anythingButJsonIsA415(VertxTestContext test) {
    client.post("/products").putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("name=Pen"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          problem(response, 415);
          test.completeNow();
        })));
  }

  @Test
  void aBodyOverTheLimitIsA413(VertxTestContext test) {
    String big = "{\"name\":\"" + "x".repeat(2048) + "\",\"price\":1}";
    client.post("/products").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(big))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          problem(response, 413);
          test.completeNow();
        })));
  }

  @Test
  void unknownAndMalformedIdsAre404And400(VertxTestContext test) {
    var checkpoint = test.checkpoint(2);
    client.get("/products/01a20e66-3c3b-766f-b1ef-08a49545cc1e").send()
        .onComplete(test.succeeding(response -> test.verify(() -> {
          problem(response, 404);
          checkpoint.flag();
        })));
    client.get("/products/not-an-id").send().onComplete(test.succeeding(response -> test.verify(() -> {
      problem(response, 400);
      checkpoint.flag();
    })));
  }

  @Test
  void unknownRoutesAreProblems(VertxTestContext test) {
    client.get("/nowhere").send().onComplete(test.succeeding(response -> test.verify(() -> {
      problem(response, 404);
      test.completeNow();
    })));
  }

  @Test
  void readinessGoesDownAndPostsAreRefusedWhileNotReady(VertxTestContext test) {
    service.app.readiness().notReady("draining for a test");
    client.get("/health/ready").send()
        .compose(ready -> {
          test.verify(() -> assertEquals(503, ready.statusCode()));
          return client.post("/products").putHeader("Content-Type", "application/json")
              .sendBuffer(Buffer.buffer("{\"name\":\"Pen\",\"price\":1}"));
        })
        .compose(post -> {
          test.verify(() -> {
            problem(post, 503);
            assertEquals("1", post.getHeader("Retry-After"));
          });
          service.app.readiness().ready();
          return client.get("/health/ready").send();
        })
        .compose(ready -> {
          test.verify(() -> assertEquals(200, ready.statusCode()));
          return client.get("/health/live").send();
        })
        .onComplete(test.succeeding(live -> test.verify(() -> {
          assertEquals(200, live.statusCode());
          assertEquals("UP", live.bodyAsJsonObject().getString("status"));
          test.completeNow();
        })));
  }

  @Test
  void aJdkClientAskingToUpgradeStaysOnHttp11ByDefaultAndGetsLargeAnswersWhole() throws Exception {
    // with h2c on, the JDK client's upgraded first request failed now and then (EOF) when its answer spanned more
    // than one HTTP/2 frame; each fresh client asks to upgrade on its first request
    java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + service.app.httpPort() + "/openapi.json");
    for (int i = 0; i < 40; i++) {
      java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_2).connectTimeout(java.time.Duration.ofSeconds(5)).build();
      java.net.http.HttpResponse<String> response = jdk.send(java.net.http.HttpRequest.newBuilder(uri)
          .timeout(java.time.Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertEquals(java.net.http.HttpClient.Version.HTTP_1_1, response.version(), "no upgrade unless configured");
      assertTrue(response.body().length() > 16_384, "an answer larger than one HTTP/2 frame");
    }
  }
}
