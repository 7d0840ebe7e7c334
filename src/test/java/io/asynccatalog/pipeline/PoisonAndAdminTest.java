package io.asynccatalog.pipeline;

import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A product the table refuses forever is retried, then dead-lettered after maxReceiveCount without holding back
 * the products received with it; the admin endpoints (behind the API key) show and redrive the dead letters.
 */
class PoisonAndAdminTest {
  private static final String KEY = "test-key-2";
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  static Path dir;
  static RunningApp service;

  @BeforeAll
  static void start() throws Exception {
    service = RunningApp.start("poison", dir, json -> json
        .put("CATALOG_MAX_RECEIVE_COUNT", 3)
        .put("CATALOG_RETRY_BASE_SECONDS", 0)
        .put("CATALOG_AUTH", "required")
        .put("CATALOG_API_KEYS", "test-key-1, " + KEY));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static Product product(String name, String price) {
    return new Product(ProductIds.next(), name, null, new BigDecimal(price), "USD", null, null, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  private static HttpResponse<String> call(String method, String path, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      request.header("X-API-Key", key);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aProductTheTableAlwaysRefusesEndsInTheDeadLetterQueueAloneAndCanBeRedriven() throws Exception {
    // 40 significant digits: DynamoDB refuses the number, so this message can never be stored
    Product poison = product("Poison", "1234567890123456789012345678901234567.89");
    Product good = product("Good", "2.50");
    String queueUrl = service.resources().queueUrl();
    String dlqUrl = service.resources().dlqUrl();
    service.aws().sqs().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(
        e -> e.id("p").messageBody(ProductJson.toMessage(poison)),
        e -> e.id("g").messageBody(ProductJson.toMessage(good)))).join();

    Poll.until(Duration.ofSeconds(60), "the poison message dead-lettered after 3 receives",
        () -> service.messagesIn(dlqUrl) == 1 && service.messagesIn(queueUrl) == 0);
    assertEquals("Good", service.item(good.id()).get("name").s(), "the good product of the same batch is stored");
    assertTrue(service.item(poison.id()).isEmpty());

    HttpResponse<String> listed = call("GET", "/admin/dlq", KEY);
    assertEquals(200, listed.statusCode(), listed.body());
    JsonArray messages = new JsonObject(listed.body()).getJsonArray("messages");
    assertEquals(1, messages.size(), listed.body());
    JsonObject dead = messages.getJsonObject(0);
    assertEquals(poison.id(), dead.getJsonObject("product").getString("id"));
    assertTrue(dead.getString("reason").startsWith("failed on 3 attempt(s); last: DynamoDB: "), dead.encode());
    assertTrue(dead.getString("reason").contains("38 significant digits"), dead.encode());
    assertFalse(dead.getString("reason").contains("software.amazon"), "no Java class names: " + dead.encode());
    assertEquals(1, service.messagesIn(dlqUrl), "peeking leaves the message where it is");

    // an operator redrives: a product that had failed during an outage is stored this time
    Product missed = product("Missed during an outage", "9.99");
    service.aws().sqs().sendMessage(b -> b.queueUrl(dlqUrl).messageBody(ProductJson.toMessage(missed))).join();
    HttpResponse<String> redriven = call("POST", "/admin/dlq/redrive", KEY);
    assertEquals(200, redriven.statusCode(), redriven.body());
    assertEquals(2, new JsonObject(redriven.body()).getInteger("moved"));
    assertEquals(2, new JsonObject(redriven.body()).getInteger("products"));
    // the redriven product is stored; the poison one fails its three receives again and comes back
    Poll.until(Duration.ofSeconds(60), "the redriven messages to be processed again",
        () -> !service.item(missed.id()).isEmpty() && service.messagesIn(queueUrl) == 0
            && service.messagesIn(dlqUrl) == 1);
  }

  @Test
  void writeAdminAndReadEndpointsNeedAValidKey() throws Exception {
    assertEquals(401, call("GET", "/admin/dlq", null).statusCode());
    HttpResponse<String> wrong = call("POST", "/admin/dlq/redrive", "nope");
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.body().contains("not valid"));
    assertTrue(wrong.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    assertEquals(401, service.http.postJson("{\"name\":\"x\",\"price\":1}").statusCode());
    assertEquals(202, service.http.postJson("{\"name\":\"x\",\"price\":1}", "X-API-Key", "test-key-1").statusCode());
    assertEquals(400, call("GET", "/admin/dlq?max=abc", KEY).statusCode());
    // with keys on writes, reads take them too (CATALOG_AUTH_READS=auto): nobody without one pages the catalog
    assertEquals(401, call("GET", "/products/" + ProductIds.next(), null).statusCode(), "reads need a key");
    assertEquals(401, call("GET", "/products", null).statusCode());
    assertEquals(404, call("GET", "/products/" + ProductIds.next(), KEY).statusCode(), "with one, a plain 404");
  }
}
