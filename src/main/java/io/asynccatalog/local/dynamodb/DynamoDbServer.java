package io.asynccatalog.local.dynamodb;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DynamoDB-compatible HTTP server (the JSON 1.0 protocol of the AWS SDKs) on loopback, for local mode and tests.
 * It serves the operations in {@link DynamoDbOperations} on partition-key tables stored in one H2 MVStore file.
 * It checks no signatures: any credentials work. Requests run on worker threads because each write is committed to
 * the file before it is acknowledged.
 */
public final class DynamoDbServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbServer.class);
  private static final String TARGET_PREFIX = "DynamoDB_20120810.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

  private final Vertx vertx;
  private final TableStore store;
  private final int port;

  private DynamoDbServer(Vertx vertx, TableStore store, int port) {
    this.vertx = vertx;
    this.store = store;
    this.port = port;
  }

  /**
   * Starts the server and blocks until it listens. {@code file} null keeps everything in memory; {@code port} 0
   * picks a free port.
   */
  public static DynamoDbServer start(Path file, String host, int port, String region, int threads) throws Exception {
    TableStore store = new TableStore(file);
    Vertx vertx = Vertx.vertx();
    AtomicInteger boundPort = new AtomicInteger();
    DynamoDbOperations operations = new DynamoDbOperations(store, region);
    try {
      vertx.deployVerticle(() -> new Endpoint(operations, host, port, boundPort),
              new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(threads))
          .await();
    } catch (Exception e) {
      vertx.close().await();
      store.close();
      throw e;
    }
    return new DynamoDbServer(vertx, store, boundPort.get());
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    try {
      vertx.close().await();
    } catch (Exception e) {
      LOG.warn("closing the DynamoDB server's Vert.x failed: {}", e.toString());
    } finally {
      store.close();
    }
  }

  /** One server instance; Vert.x spreads connections across the instances. */
  private static final class Endpoint extends VerticleBase {
    private final DynamoDbOperations operations;
    private final String host;
    private final int port;
    private final AtomicInteger boundPort;

    Endpoint(DynamoDbOperations operations, String host, int port, AtomicInteger boundPort) {
      this.operations = operations;
      this.host = host;
      this.port = port;
      this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
      // -1: one random port shared by every instance (0 would give each instance its own)
      HttpServer server = vertx.createHttpServer().requestHandler(this::handle);
      return server.listen(port == 0 ? -1 : port, host).onSuccess(s -> boundPort.set(s.actualPort()));
    }

    private void handle(HttpServerRequest request) {
      String target = request.getHeader("X-Amz-Target");
      request.body().onComplete(body -> {
        if (body.failed()) {
          return; // the connection is gone
        }
        int status = 200;
        JsonObject response;
        try {
          if (target == null || !target.startsWith(TARGET_PREFIX)) {
            throw DynamoDbException.unknownOperation(String.valueOf(target));
          }
          JsonObject json = body.result().length() == 0 ? new JsonObject() : body.result().toJsonObject();
          response = operations.call(target.substring(TARGET_PREFIX.length()), json);
        } catch (DynamoDbException e) {
          status = e.status();
          response = e.toJson();
        } catch (DecodeException | ClassCastException e) {
          status = 400;
          response = new JsonObject().put("__type", "com.amazon.coral.service#SerializationException")
              .put("message", "Malformed request: " + e.getMessage());
        } catch (RuntimeException e) {
          LOG.error("DynamoDB emulator failed on {}", target, e);
          status = 500;
          response = new JsonObject().put("__type", "com.amazonaws.dynamodb.v20120810#InternalServerError")
              .put("message", "Internal server error: " + e);
        }
        request.response().setStatusCode(status)
            .putHeader("Content-Type", CONTENT_TYPE)
            .putHeader("x-amzn-RequestId", java.util.UUID.randomUUID().toString())
            .end(response.toBuffer());
      });
    }
  }
}
