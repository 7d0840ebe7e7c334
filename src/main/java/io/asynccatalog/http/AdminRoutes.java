package io.asynccatalog.http;

import io.asynccatalog.queue.DeadLetters;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator endpoints, behind the API key: {@code GET /admin/dlq} shows what is in the dead-letter queue, product by
 * product; {@code POST /admin/dlq/redrive?max=N} moves up to N messages' products back to the product queue, each
 * product alone, for another try.
 */
final class AdminRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
  private static final int DEFAULT_REDRIVE = 1000;

  private AdminRoutes() {}

  static void install(Router router, ApiKeys apiKeys, DeadLetters deadLetters) {
    router.route("/admin/*").handler(apiKeys);
    router.get("/admin/dlq").handler(ctx -> {
      Integer max = intParam(ctx, "max", 10, 1, 10);
      if (max == null) {
        return;
      }
      deadLetters.peek(max).onComplete(result -> {
        if (result.succeeded()) {
          ctx.response().putHeader("Content-Type", "application/json").end(result.result().toBuffer());
        } else {
          LOG.warn("dead-letter peek failed: {}", result.cause().toString());
          Problems.unavailable(ctx, "The dead-letter queue is not reachable now.");
        }
      });
    });
    router.post("/admin/dlq/redrive").handler(ctx -> {
      Integer max = intParam(ctx, "max", DEFAULT_REDRIVE, 1, 100_000);
      if (max == null) {
        return;
      }
      deadLetters.redrive(max).onComplete(result -> {
        if (result.succeeded()) {
          LOG.info("redrove {} message(s) from the dead-letter queue: {} product(s)", result.result().messages(),
              result.result().products());
          ctx.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("moved", result.result().messages())
                  .put("products", result.result().products()).toBuffer());
        } else {
          LOG.warn("redrive failed: {}", result.cause().toString());
          Problems.unavailable(ctx, "The redrive stopped: " + result.cause().getMessage()
              + ". Messages already moved stay moved; run it again to continue.");
        }
      });
    });
  }

  /** The parameter, its default when absent, or null after answering 400 when it is not a number in range. */
  private static Integer intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    Problems.send(ctx, 400, "invalid-parameter", "Invalid parameter",
        name + " must be a whole number from " + min + " to " + max + ".",
        java.util.List.of(new io.asynccatalog.domain.FieldError(name, "must be " + min + ".." + max)));
    return null;
  }
}
