package io.asynccatalog.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of an SQS or DynamoDB server (their JSON protocols) that injects the failures a test asks
 * for. SQS: while armed, every SendMessageBatch entry whose body contains the marker is taken out of the request
 * before it is forwarded, and answered as a failed entry (InternalError, not the sender's fault), as SQS itself may
 * answer; the others reach the server. DynamoDB: while armed, a PutItem or BatchWriteItem whose body contains the
 * marker is refused whole with a ValidationException, as DynamoDB refuses an item it cannot take, and in a
 * BatchExecuteStatement each statement that contains it is answered a ValidationError while the others reach the
 * server; or every write is throttled, as DynamoDB throttles a hot partition (a BatchWriteItem left unprocessed, a
 * PutItem refused with ProvisionedThroughputExceededException, every statement of a BatchExecuteStatement answered
 * ProvisionedThroughputExceeded). Any call may be delayed by operation.
 */
public final class AwsFaultProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final int port;
  private final int upstreamPort;
  private final AtomicInteger refused = new AtomicInteger();
  private volatile String marker;
  private volatile String writeMarker;
  private volatile boolean wholeCalls;
  private volatile boolean unprocessed;
  private final AtomicInteger throttled = new AtomicInteger();
  private final java.util.Map<String, Long> delays = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();

  public AwsFaultProxy(int upstreamPort) throws Exception {
    this.upstreamPort = upstreamPort;
    this.client = vertx.createHttpClient();
    HttpServer server = vertx.createHttpServer().requestHandler(this::forward);
    this.port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  public int port() {
    return port;
  }

  /** From now on, entries whose body contains {@code text} fail; null: none does. */
  public void failEntriesContaining(String text) {
    marker = text;
  }

  /** From now on, DynamoDB writes whose body contains {@code text} are refused; null: none is. */
  public void refuseWritesContaining(String text) {
    writeMarker = text;
  }

  /**
   * true: a BatchExecuteStatement with a refused write is refused whole (400 ValidationException, nothing written),
   * as DynamoDB refuses a request it cannot take at all; false (the default): only the statements with the marker.
   */
  public void refuseWholeCalls(boolean on) {
    wholeCalls = on;
  }

  /**
   * From now on (true), every write is throttled as DynamoDB throttles a hot partition: a BatchWriteItem answered 200
   * with all its items in {@code UnprocessedItems}, a PutItem answered 400 ProvisionedThroughputExceededException
   * (which the SDK retries with its throttling backoff), a BatchExecuteStatement answered 200 with every statement
   * failed ProvisionedThroughputExceeded; nothing reaches the server. Reads pass.
   */
  public void throttleWrites(boolean on) {
    unprocessed = on;
  }

  /** How many writes were throttled. */
  public int throttled() {
    return throttled.get();
  }

  /** Calls of {@code operation} (e.g. "DeleteMessageBatch") reach the server {@code millis} late (0: at once). */
  public void delay(String operation, long millis) {
    delays.put(operation, millis);
  }

  /** How many calls of {@code operation} came through the proxy. */
  public int calls(String operation) {
    AtomicInteger count = calls.get(operation);
    return count == null ? 0 : count.get();
  }

  /** How many entries (or writes) were failed so far. */
  public int refused() {
    return refused.get();
  }

  private void forward(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String target = request.getHeader("X-Amz-Target");
      String operation = target == null ? "" : target.substring(target.lastIndexOf('.') + 1);
      calls.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
      long delay = delays.getOrDefault(operation, 0L);
      if (delay > 0) {
        vertx.setTimer(delay, id -> handle(request, body, target));
      } else {
        handle(request, body, target);
      }
    });
  }

  private void handle(HttpServerRequest request, Buffer body, String target) {
    {
      if (unprocessed && target != null && target.endsWith(".BatchWriteItem")) {
        throttled.incrementAndGet();
        answer(request, new JsonObject().put("UnprocessedItems", body.toJsonObject().getJsonObject("RequestItems")));
        return;
      }
      if (unprocessed && target != null && target.endsWith(".BatchExecuteStatement")) {
        throttled.incrementAndGet();
        JsonArray answers = new JsonArray();
        body.toJsonObject().getJsonArray("Statements").forEach(o -> answers.add(new JsonObject().put("Error",
            new JsonObject().put("Code", "ProvisionedThroughputExceeded")
                .put("Message", "injected by the test proxy: the request rate is too high"))));
        answer(request, new JsonObject().put("Responses", answers));
        return;
      }
      if (writeMarker != null && target != null && target.endsWith(".BatchExecuteStatement")
          && body.toString().contains(writeMarker)) {
        if (wholeCalls) {
          refused.incrementAndGet();
          request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/x-amz-json-1.0")
              .end(new JsonObject().put("__type", "com.amazonaws.dynamodb.v20120810#ValidationException")
                  .put("message", "injected by the test proxy: this request is refused").toBuffer());
        } else {
          refuseStatements(request, body.toJsonObject(), writeMarker);
        }
        return;
      }
      if (unprocessed && target != null && target.endsWith(".PutItem")) {
        throttled.incrementAndGet();
        request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/x-amz-json-1.0")
            .end(new JsonObject().put("__type",
                    "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException")
                .put("message", "injected by the test proxy: the request rate is too high").toBuffer());
        return;
      }
      String fail = marker;
      JsonArray failed = new JsonArray();
      Buffer forwarded = body;
      String refuse = writeMarker;
      if (refuse != null && target != null && (target.endsWith(".PutItem") || target.endsWith(".BatchWriteItem"))
          && body.toString().contains(refuse)) {
        refused.incrementAndGet();
        request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/x-amz-json-1.0")
            .end(new JsonObject().put("__type", "com.amazonaws.dynamodb.v20120810#ValidationException")
                .put("message", "injected by the test proxy: this item is refused").toBuffer());
        return;
      }
      if (fail != null && "AmazonSQS.SendMessageBatch".equals(target)) {
        JsonObject json = body.toJsonObject();
        JsonArray kept = new JsonArray();
        for (Object entry : json.getJsonArray("Entries")) {
          JsonObject e = (JsonObject) entry;
          if (e.getString("MessageBody", "").contains(fail)) {
            refused.incrementAndGet();
            failed.add(new JsonObject().put("Id", e.getString("Id")).put("Code", "InternalError")
                .put("SenderFault", false).put("Message", "injected by the test proxy"));
          } else {
            kept.add(e);
          }
        }
        if (kept.isEmpty()) {
          answer(request, new JsonObject().put("Successful", new JsonArray()).put("Failed", failed));
          return;
        }
        forwarded = json.put("Entries", kept).toBuffer();
      }
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(request.method().name()))
          .setHost("127.0.0.1").setPort(upstreamPort).setURI(request.uri());
      request.headers().forEach((name, value) -> {
        if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Host")) {
          options.addHeader(name, value);
        }
      });
      Buffer sent = forwarded;
      client.request(options)
          .compose(upstream -> upstream.send(sent))
          .compose(response -> response.body().map(bytes -> merge(response, bytes, failed)))
          .onSuccess(merged -> request.response().setStatusCode(merged.status)
              .putHeader(HttpHeaders.CONTENT_TYPE, merged.contentType).end(merged.body))
          .onFailure(error -> request.connection().close());
    }
  }

  /** Statements that contain the marker answered ValidationError; the others forwarded, answers kept in order. */
  private void refuseStatements(HttpServerRequest request, JsonObject json, String refuse) {
    JsonArray statements = json.getJsonArray("Statements");
    JsonArray kept = new JsonArray();
    java.util.List<Integer> refusedAt = new java.util.ArrayList<>();
    for (int i = 0; i < statements.size(); i++) {
      if (statements.getJsonObject(i).encode().contains(refuse)) {
        refusedAt.add(i);
        refused.incrementAndGet();
      } else {
        kept.add(statements.getJsonObject(i));
      }
    }
    JsonObject error = new JsonObject().put("Error", new JsonObject().put("Code", "ValidationError")
        .put("Message", "injected by the test proxy: this item is refused"));
    java.util.function.Function<JsonArray, JsonArray> merged = answers -> {
      JsonArray all = new JsonArray();
      int next = 0;
      for (int i = 0; i < statements.size(); i++) {
        all.add(refusedAt.contains(i) ? error.copy() : answers.getValue(next++));
      }
      return all;
    };
    if (kept.isEmpty()) {
      answer(request, new JsonObject().put("Responses", merged.apply(new JsonArray())));
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(upstreamPort).setURI(request.uri());
    request.headers().forEach((name, value) -> {
      if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Host")) {
        options.addHeader(name, value);
      }
    });
    client.request(options)
        .compose(upstream -> upstream.send(json.copy().put("Statements", kept).toBuffer()))
        .compose(response -> response.body().map(bytes -> response.statusCode() == 200
            ? new Answer(200, "application/x-amz-json-1.0", new JsonObject().put("Responses",
                merged.apply(bytes.toJsonObject().getJsonArray("Responses"))).toBuffer())
            : new Answer(response.statusCode(), "application/x-amz-json-1.0", bytes)))
        .onSuccess(answer -> request.response().setStatusCode(answer.status)
            .putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType).end(answer.body))
        .onFailure(e -> request.connection().close());
  }

  private record Answer(int status, String contentType, Buffer body) {}

  private static Answer merge(HttpClientResponse response, Buffer body, JsonArray failed) {
    String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
    if (failed.isEmpty() || response.statusCode() != 200) {
      return new Answer(response.statusCode(), type == null ? "application/x-amz-json-1.0" : type, body);
    }
    JsonObject json = body.toJsonObject();
    JsonArray all = json.getJsonArray("Failed", new JsonArray());
    failed.forEach(all::add);
    return new Answer(200, type, json.put("Failed", all).toBuffer());
  }

  private static void answer(HttpServerRequest request, JsonObject json) {
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/x-amz-json-1.0").end(json.toBuffer());
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
