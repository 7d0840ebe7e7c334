package io.asynccatalog.operations;

import io.asynccatalog.testing.Http;
import io.asynccatalog.testing.Inspector;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.ServiceProcess;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real run's log in JSON (the container's format), with the journey and the access log on: every line parses,
 * has the common fields, and each field that the queries of docs/operations.md name is there with the type they
 * need; an error carries its stack trace in one field; lines written while serving a request carry its trace.
 */
class JsonLogTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  @TempDir
  Path dir;

  @Test
  void everyLineIsJsonWithTheFieldsTheDocumentedQueriesName() throws Exception {
    int port = ServiceProcess.freePort();
    int sqsPort = ServiceProcess.freePort();
    ServiceProcess service = ServiceProcess.start(dir, Map.of("CATALOG_LOG_FORMAT", "json",
        "CATALOG_JOURNEY_LOG_LEVEL", "INFO", "CATALOG_ACCESS_LOG", "true", "CATALOG_HTTP_HOST", "127.0.0.1",
        "CATALOG_HTTP_PORT", Integer.toString(port), "CATALOG_LOCAL_SQS_PORT", Integer.toString(sqsPort),
        "CATALOG_DATA_DIR", dir.resolve("data").toString()));
    try {
      Http http = new Http(port);
      Poll.until(Duration.ofSeconds(90), "the service ready", () -> {
        assertTrue(service.isAlive(), service.output());
        try {
          return http.get("/health/ready").statusCode() == 200;
        } catch (RuntimeException e) {
          return false;
        }
      });
      HttpResponse<String> accepted = http.postJson("{\"name\":\"Logged pen\",\"price\":\"1.99\"}",
          "traceparent", TRACEPARENT, "X-Request-Id", "log-test-1");
      assertEquals(202, accepted.statusCode(), accepted.body());
      String id = new JsonObject(accepted.body()).getString("id");
      Poll.until(Duration.ofSeconds(30), "the product stored", () -> http.get("/products/" + id).statusCode() == 200);
      assertEquals(400, http.postJson("{\"name\":\"\",\"price\":1}").statusCode());
      try (SqsClient sqs = Inspector.sqsClient(URI.create("http://127.0.0.1:" + sqsPort))) {
        String queue = sqs.getQueueUrl(b -> b.queueName("product-queue")).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("this is not a product"));
      }
      Poll.until(Duration.ofSeconds(30), "the stray message dead-lettered",
          () -> service.output().contains("\"event\":\"not-a-product\""));
      service.terminate();
      assertEquals(0, service.awaitExit(Duration.ofSeconds(30)));

      List<JsonObject> lines = new ArrayList<>();
      for (String line : service.output().split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        try {
          lines.add(new JsonObject(line));
        } catch (DecodeException e) {
          throw new AssertionError("a line that is not JSON: " + line, e);
        }
      }
      for (JsonObject line : lines) {
        Instant.parse(line.getString("@timestamp")); // ISO-8601
        for (String field : List.of("level", "logger", "thread", "message")) {
          assertTrue(line.getValue(field) instanceof String, field + " in " + line);
        }
        assertFalse(line.containsKey("kvpList") || line.containsKey("formattedMessage"), line.encode());
      }
      JsonObject acceptedLine = one(lines, l -> "accepted".equals(l.getString("event")));
      assertEquals(id, acceptedLine.getString("productId"));
      assertEquals(TRACE_ID, acceptedLine.getString("traceId"));
      assertEquals("log-test-1", acceptedLine.getString("requestId"));
      assertTrue(acceptedLine.getValue("replayed") instanceof Boolean);
      assertTrue(acceptedLine.getValue("client") instanceof String);
      JsonObject stored = one(lines, l -> "stored".equals(l.getString("event")));
      assertEquals(id, stored.getString("productId"));
      assertEquals(TRACE_ID, stored.getString("traceId"));
      assertTrue(stored.getValue("acceptToStoredMs") instanceof Number, "a number, for pct() and unwrap: " + stored);

      JsonObject post = one(lines, l -> "request".equals(l.getString("event")) && "POST".equals(l.getString("method"))
          && Integer.valueOf(202).equals(l.getValue("status")));
      assertEquals("/products", post.getString("route"));
      assertEquals(TRACE_ID, post.getString("traceId"), "a line written while serving the request has its trace");
      assertEquals("log-test-1", post.getString("requestId"));
      for (String number : List.of("status", "durationMs", "bytesIn", "bytesOut")) {
        assertTrue(post.getValue(number) instanceof Number, number + " in " + post);
      }
      assertTrue(post.getLong("bytesIn") > 0 && post.getLong("bytesOut") > 0, post.encode());
      assertEquals("http/1.1", post.getString("httpVersion"));
      assertTrue(post.getValue("client") instanceof String);
      JsonObject read = one(lines, l -> "request".equals(l.getString("event")) && "GET".equals(l.getString("method"))
          && Integer.valueOf(200).equals(l.getValue("status")) && "/products/:id".equals(l.getString("route")));
      assertFalse(read.encode().contains(id), "the route's template, never the raw path: " + read);
      one(lines, l -> "request".equals(l.getString("event")) && Integer.valueOf(400).equals(l.getValue("status")));

      JsonObject error = one(lines, l -> "not-a-product".equals(l.getString("event")));
      assertEquals("WARN", error.getString("level"));
      assertTrue(error.getString("stack_trace").contains("IllegalArgumentException"), error.encode());
      assertNotNull(error.getString("messageId"));
      for (JsonObject sample : List.of(acceptedLine, stored, post, read, error)) {
        System.out.println("[jsonlog] " + sample.encode());
      }
      System.out.printf("[jsonlog] %d lines, all JSON with @timestamp, level, logger, thread, message; journey, "
          + "access and error lines checked%n", lines.size());
    } finally {
      service.close();
    }
  }

  private static JsonObject one(List<JsonObject> lines, Predicate<JsonObject> which) {
    return lines.stream().filter(which).findFirst().orElseThrow(() -> new AssertionError("no such line in "
        + lines.size() + " lines"));
  }
}
