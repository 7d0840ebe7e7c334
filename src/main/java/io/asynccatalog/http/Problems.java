package io.asynccatalog.http;

import io.asynccatalog.domain.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * Errors as RFC 9457 {@code application/problem+json}: {@code type}, {@code title}, {@code status},
 * {@code detail}, and for validation an {@code errors} list of {@code {field, message}} (with the product's
 * {@code index} in a bulk request). Never a stack trace.
 */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_PREFIX = "urn:asynccatalog:problem:";

  private Problems() {}

  public static Future<Void> send(RoutingContext ctx, int status, String type, String title, String detail) {
    return send(ctx, status, type, title, detail, List.of());
  }

  public static Future<Void> send(RoutingContext ctx, int status, String type, String title, String detail,
                                  List<FieldError> errors) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset(); // too late for a clean answer: abort rather than send a corrupt one
      return Future.succeededFuture();
    }
    JsonObject body = new JsonObject()
        .put("type", TYPE_PREFIX + type)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
    if (!errors.isEmpty()) {
      JsonArray list = new JsonArray();
      errors.forEach(e -> {
        JsonObject error = new JsonObject();
        if (e.index() != null) {
          error.put("index", e.index());
        }
        list.add(error.put("field", e.field()).put("message", e.message()));
      });
      body.put("errors", list);
    }
    return response.setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(body.toBuffer());
  }

  /** 503 with {@code Retry-After}: the client should try again, and nothing it sent was accepted. */
  public static Future<Void> unavailable(RoutingContext ctx, String detail) {
    ctx.response().putHeader("Retry-After", "1");
    return send(ctx, 503, "unavailable", "Service Unavailable", detail);
  }
}
