package io.asynccatalog.pipeline;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.testing.AwsFaultProxy;
import io.asynccatalog.testing.LogCapture;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RawHttp;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalAws;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a write is told is what happened: a 408 means nothing was queued, even when the step that was slow finishes
 * afterwards; a send SQS did not answer is "unknown", not a refusal; a client with no products left is refused
 * before its body is read.
 */
class IngestDeadlineTest {
  private static final String KEY = "Idempotency-Key";

  @TempDir
  Path dir;

  private static URI local(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * The idempotency store answers the claim after 2.5 s, past the 1.5 s request deadline: the client gets 408, and
   * when the claim does come back the product is not queued (it would be stored behind the client's back, and a
   * retry without the key would double it). A retry with the key then queues it, once.
   */
  @Test
  void aRequestAnswered408QueuesNothingWhenItsSlowStepFinishesLater() throws Exception {
    EmbeddedAws servers = SharedLocalAws.servers();
    try (AwsFaultProxy dynamoDb = new AwsFaultProxy(servers.dynamoDbEndpoint().getPort());
         LogCapture logs = LogCapture.open()) {
      AwsEnvironment env = AwsEnvironment.local(servers.sqsEndpoint(), local(dynamoDb.port()), servers.s3Endpoint());
      try (RunningApp service = RunningApp.start("late408", dir, env, json -> json
          .put("CATALOG_HTTP_REQUEST_TIMEOUT_MS", 1500).put("CATALOG_ENQUEUE_TIMEOUT_MS", 1000)
          .put("CATALOG_AWS_CALL_TIMEOUT_MS", 5000))) {
        String key = "late-" + UUID.randomUUID();
        String body = "{\"name\":\"Late " + key + "\",\"price\":2}";
        dynamoDb.delay("PutItem", 2500); // the key's claim; products are written with BatchWriteItem
        HttpResponse<String> late = service.http.postJson(body, KEY, key);
        assertEquals(408, late.statusCode(), late.body());
        String keysTable = service.resources().idempotencyTableName();
        Poll.until(Duration.ofSeconds(10), "the slow claim to have finished", () -> !service.aws().dynamoDb()
            .getItem(b -> b.tableName(keysTable).key(Map.of("key", AttributeValue.fromS(key)))).join().item().isEmpty());
        dynamoDb.delay("PutItem", 0);
        // a product posted after the claim finished is stored after anything the claim could have queued
        String after = new JsonObject(service.http.postJson("{\"name\":\"After\",\"price\":1}").body()).getString("id");
        Poll.until(Duration.ofSeconds(30), "the later product stored",
            () -> service.http.get("/products/" + after).statusCode() == 200);
        service.awaitQueueDrained("the queue drained");
        assertEquals(1, service.itemCount(), "the product answered 408 was not queued when its claim came back");
        assertEquals(1.0, service.http.meter("catalog_products_accepted_total"));
        // the late step stops because the request is over, not by tripping over the answer already sent
        assertTrue(logs.lines().stream().noneMatch(l -> l.contains("Unhandled exception")), String.join("\n",
            logs.lines().stream().filter(l -> l.contains("Unhandled")).toList()));

        HttpResponse<String> retry = service.http.postJson(body, KEY, key);
        assertEquals(202, retry.statusCode(), retry.body());
        String id = new JsonObject(retry.body()).getString("id");
        Poll.until(Duration.ofSeconds(30), "the retried product stored",
            () -> service.http.get("/products/" + id).statusCode() == 200);
        service.awaitQueueDrained("the queue drained");
        assertEquals(2, service.itemCount(), "stored once, by the keyed retry");
        System.out.printf("[late408] claim 2.5 s, deadline 1.5 s: 408, nothing queued; the keyed retry stored %s%n", id);
      }
    }
  }

  /**
   * SQS takes the message but answers after the enqueue deadline: the client is told the outcome is unknown (504,
   * with the id), not that the product was refused; and indeed it is stored. A keyed request in that state retried
   * with its key gets the same id and is stored once.
   */
  @Test
  void aSendSqsDidNotAnswerIsUnknownNotRefused() throws Exception {
    EmbeddedAws servers = SharedLocalAws.servers();
    try (AwsFaultProxy sqs = new AwsFaultProxy(servers.sqsEndpoint().getPort())) {
      AwsEnvironment env = AwsEnvironment.local(local(sqs.port()), servers.dynamoDbEndpoint(), servers.s3Endpoint());
      try (RunningApp service = RunningApp.start("unknown504", dir, env, json -> json
          .put("CATALOG_ENQUEUE_TIMEOUT_MS", 1000))) {
        sqs.delay("SendMessageBatch", 1500);
        HttpResponse<String> unknown = service.http.postJson("{\"name\":\"Maybe\",\"price\":1}");
        String key = "maybe-" + UUID.randomUUID();
        String keyedBody = "{\"name\":\"Maybe keyed\",\"price\":1}";
        HttpResponse<String> keyed = service.http.postJson(keyedBody, KEY, key);
        sqs.delay("SendMessageBatch", 0);
        assertEquals(504, unknown.statusCode(), unknown.body());
        JsonObject problem = new JsonObject(unknown.body());
        assertTrue(problem.getString("type").endsWith(":outcome-unknown"), unknown.body());
        String location = unknown.headers().firstValue("Location").orElseThrow();
        assertTrue(problem.getString("detail").contains(location), "the detail names where to look: " + unknown.body());
        Poll.until(Duration.ofSeconds(30), "the product SQS did take, stored",
            () -> service.http.get(location).statusCode() == 200);

        assertEquals(504, keyed.statusCode(), keyed.body());
        assertTrue(new JsonObject(keyed.body()).getString("detail").contains("same Idempotency-Key"));
        String keyedLocation = keyed.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> retry = service.http.postJson(keyedBody, KEY, key);
        assertEquals(202, retry.statusCode(), retry.body());
        assertEquals(keyedLocation, retry.headers().firstValue("Location").orElseThrow(), "the same id");
        Poll.until(Duration.ofSeconds(30), "the keyed product stored", () -> service.http.get(keyedLocation)
            .statusCode() == 200);
        service.awaitQueueDrained("the queue drained");
        assertEquals(2, service.itemCount(), "each product stored once, the keyed one sent twice");
        System.out.printf("[unknown504] SQS answering 1.5 s late, deadline 1 s: 504 outcome-unknown, the product "
            + "stored; keyed retry stored once%n");
      }
    }
  }

  /** A client with no product left in its rate limit is answered 429 at once, without its body being read. */
  @Test
  void aClientWithNoProductLeftIsRefusedBeforeItsBodyIsRead() throws Exception {
    try (RunningApp service = RunningApp.start("emptybucket", dir, json -> json
        .put("CATALOG_AUTH", "required").put("CATALOG_API_KEYS", "slow:slow-key")
        .put("CATALOG_RATE_LIMITS", "slow=1/1").put("CATALOG_HTTP_REQUEST_TIMEOUT_MS", 10_000))) {
      HttpResponse<String> spent = service.http.postJson("{\"name\":\"Only one\",\"price\":1}", "X-API-Key", "slow-key");
      assertEquals(202, spent.statusCode(), spent.body());
      long started = System.nanoTime();
      // a 4 MiB body announced and never sent: read, it would wait for the 10 s deadline (408)
      RawHttp.Response refused = RawHttp.exchange(service.app.httpPort(), RawHttp.request("POST", "/products/batch",
          Map.of("Content-Type", "application/json", "X-API-Key", "slow-key", "Content-Length",
              Integer.toString(4 << 20)), "{\"products\":[".getBytes()), 5000);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(429, refused.status(), refused.body());
      assertTrue(refused.body().contains("was not read"), refused.body());
      assertTrue(refused.header("Retry-After") != null && refused.header("RateLimit") != null);
      System.out.printf("[emptybucket] 429 before the body, in %d ms%n", millis);
    }
  }
}
