package io.asynccatalog.aws;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.net.URI;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A bare HTTP server on loopback for the transport and direct-call tests: it records every request with its whole
 * body, counts the connections that closed, and answers as the test scripts it.
 */
final class ScriptedServer implements AutoCloseable {
  /** One request as it arrived. */
  record Received(String method, String uri, MultiMap headers, byte[] body) {}

  final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  final AtomicInteger closedConnections = new AtomicInteger();
  private final HttpServer server;

  private ScriptedServer(Vertx vertx, Consumer<HttpServerRequest> respond) throws Exception {
    server = vertx.createHttpServer()
        .connectionHandler(connection -> connection.closeHandler(v -> closedConnections.incrementAndGet()))
        .requestHandler(request -> request.body().onSuccess(body -> {
          received.add(new Received(request.method().name(), request.uri(),
              MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.getBytes()));
          respond.accept(request);
        }));
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Listening on an ephemeral port; each request, once its body is in, is answered by {@code respond}. */
  static ScriptedServer start(Vertx vertx, Consumer<HttpServerRequest> respond) throws Exception {
    return new ScriptedServer(vertx, respond);
  }

  int port() {
    return server.actualPort();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
