package io.asynccatalog.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry spans for a product's journey: "POST /products" (server) when it is accepted, "store product"
 * (consumer, child of the first through the traceparent carried by the SQS message) when it is stored. Off unless
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, in which case spans go there over OTLP/HTTP. When off, trace ids are
 * still propagated and logged; only the export is missing.
 */
public final class Tracing implements AutoCloseable {
  public static final AttributeKey<String> PRODUCT_ID = AttributeKey.stringKey("catalog.product.id");

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Tracing(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider == null ? TracerProvider.noop().get("async-catalog")
        : provider.get("io.asynccatalog", "1.0.0");
  }

  public static Tracing off() {
    return new Tracing(null);
  }

  /** Export to {@code OTEL_EXPORTER_OTLP_ENDPOINT} (OTLP/HTTP) when it is set, else off. */
  public static Tracing fromEnvironment(Map<String, String> env) {
    String endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
    if (endpoint == null || endpoint.isBlank()) {
      return off();
    }
    String traces = endpoint.endsWith("/v1/traces") ? endpoint
        : endpoint.replaceAll("/+$", "") + "/v1/traces";
    return exportingTo(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(traces).build()).build(),
        env.getOrDefault("OTEL_SERVICE_NAME", "async-catalog"));
  }

  /** Every span handed to the exporter as it ends (tests). */
  public static Tracing exportingTo(SpanExporter exporter) {
    return exportingTo(SimpleSpanProcessor.create(exporter), "async-catalog");
  }

  private static Tracing exportingTo(SpanProcessor processor, String serviceName) {
    return new Tracing(SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
        .addSpanProcessor(processor)
        .build());
  }

  public boolean enabled() {
    return provider != null;
  }

  /** Starts a span under the remote parent (null: a new trace), at {@code start} (null: now). */
  public Span start(String name, SpanKind kind, TraceContext parent, Instant start) {
    var builder = tracer.spanBuilder(name).setSpanKind(kind);
    builder.setParent(parent == null ? Context.root() : Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(
        parent.traceId(), parent.spanId(), parent.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(),
        TraceState.getDefault()))));
    if (start != null) {
      builder.setStartTimestamp(start);
    }
    return builder.startSpan();
  }

  /**
   * The context to hand on: the span's own when spans are recorded, else a child of {@code parent} (or a new trace),
   * so ids are propagated and logged either way.
   */
  public static TraceContext contextOf(Span span, TraceContext parent) {
    SpanContext context = span.getSpanContext();
    if (context.isValid()) {
      return new TraceContext(context.getTraceId(), context.getSpanId(), context.isSampled());
    }
    return parent != null ? parent.child() : TraceContext.fromHeaderOrNew(null);
  }

  public static void end(Span span, String productId, boolean ok, String error) {
    if (productId != null) {
      span.setAttribute(PRODUCT_ID, productId);
    }
    if (!ok) {
      span.setStatus(StatusCode.ERROR, error == null ? "" : error);
    }
    span.end();
  }

  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
