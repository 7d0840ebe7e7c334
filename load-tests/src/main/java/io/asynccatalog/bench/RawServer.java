package io.asynccatalog.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The HTTP ceiling of the benchmark: a bare Vert.x server that reads the same JSON body, parses it and answers
 * 202 with an id, one verticle per core, as the service's HTTP verticles are. Usage: RawServer [port].
 */
public final class RawServer extends VerticleBase {
  private final int port;

  private RawServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18081;
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.deployVerticle(() -> new RawServer(port),
            new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("raw server on 127.0.0.1:" + port))
        .onFailure(error -> {
          error.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      JsonObject product = body.toJsonObject();
      String id = product.getString("name") == null ? "" : UUID.randomUUID().toString();
      request.response().setStatusCode(202).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("id", id).put("status", "accepted").toBuffer());
    })).listen(port, "127.0.0.1");
  }
}
