package io.asynccatalog.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log ({@code CATALOG_ACCESS_LOG=true}): one line per request on logger {@code catalog.access}, with the
 * method, the route's template (not the raw path, which may hold ids), the status, the duration, the bytes in and
 * out, the client's name (never its key), the request id and the HTTP version; in JSON logs each is a field.
 */
final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("catalog.access");

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(done -> {
      HttpServerRequest request = ctx.request();
      Route route = ctx.currentRoute();
      String template = route == null || route.getPath() == null ? "(none)" : route.getPath();
      LOG.atInfo().addKeyValue("event", "request").addKeyValue("method", request.method().name())
          .addKeyValue("route", template).addKeyValue("status", ctx.response().getStatusCode())
          .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000.0)
          .addKeyValue("bytesIn", request.bytesRead()).addKeyValue("bytesOut", ctx.response().bytesWritten())
          .addKeyValue("client", ApiKeys.client(ctx)).addKeyValue("requestId", RequestTrace.requestId(ctx))
          .addKeyValue("httpVersion", request.version().alpnName())
          .log("{} {} {}", request.method().name(), template, ctx.response().getStatusCode());
    });
    ctx.next();
  }
}
