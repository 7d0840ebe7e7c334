package io.asynccatalog.aws;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletableFuture;

/** The one bridge from AWS SDK futures to Vert.x: callbacks come back on the caller's own context. */
public final class AwsFutures {
  private AwsFutures() {}

  public static <T> Future<T> bridge(CompletableFuture<T> sdkFuture) {
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(sdkFuture) : Future.fromCompletionStage(sdkFuture, context);
  }
}
