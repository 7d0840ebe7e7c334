package io.asynccatalog.tracing;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The trace a piece of work belongs to, kept in its Vert.x context's local data, so that every log line written
 * while serving that request or storing that group carries its ids, callbacks included. Vert.x runs each HTTP request
 * on a context of its own (a duplicate of the verticle's); work that has none gets one with {@link #on}.
 */
public final class LogTrace {
  private static final String KEY = "catalog.trace";

  private LogTrace() {}

  /** Sets the trace of the current request's context (a duplicate context: the verticle's own is left alone). */
  public static void set(TraceContext trace) {
    if (Vertx.currentContext() instanceof ContextInternal context && context.isDuplicate()) {
      context.localContextData().put(KEY, trace);
    }
  }

  /** A context of its own for a unit of work, carrying {@code trace} (null: none). */
  public static Context on(Context context, TraceContext trace) {
    ContextInternal duplicate = ((ContextInternal) context).duplicate();
    if (trace != null) {
      duplicate.localContextData().put(KEY, trace);
    }
    return duplicate;
  }

  /** The trace of the code running now, or null. */
  public static TraceContext current() {
    if (Vertx.currentContext() instanceof ContextInternal context && context.isDuplicate()) {
      return context.localContextData().get(KEY) instanceof TraceContext trace ? trace : null;
    }
    return null;
  }
}
