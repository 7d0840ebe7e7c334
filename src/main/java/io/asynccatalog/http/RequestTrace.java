package io.asynccatalog.http;

import io.asynccatalog.tracing.LogTrace;
import io.asynccatalog.tracing.TraceContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The first step of every request: its W3C trace context (the caller's {@code traceparent}, continued, or a new
 * trace), kept where every log line written while serving it finds it, and its request id (the caller's sane
 * {@code X-Request-Id}, else the span's id).
 */
final class RequestTrace implements Handler<RoutingContext> {
  private static final String TRACE = "catalog.trace";
  private static final String REQUEST_ID = "catalog.requestId";

  @Override
  public void handle(RoutingContext ctx) {
    TraceContext incoming = TraceContext.parse(ctx.request().getHeader(TraceContext.HEADER));
    TraceContext trace = incoming != null ? incoming.child() : TraceContext.fromHeaderOrNew(null);
    ctx.put(TRACE, incoming);
    String given = ctx.request().getHeader("X-Request-Id");
    ctx.put(REQUEST_ID, given != null && given.length() <= 64 && given.matches("[A-Za-z0-9._-]+") ? given
        : trace.spanId());
    LogTrace.set(trace);
    ctx.next();
  }

  /** The caller's trace context, or null when it sent none. */
  static TraceContext incoming(RoutingContext ctx) {
    return ctx.get(TRACE);
  }

  static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }
}
