package io.asynccatalog.pipeline;

import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalAws;
import io.asynccatalog.tracing.TraceContext;
import io.asynccatalog.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One product's journey is one trace: the caller's traceparent, through SQS, to the span that stores it. */
class TracingTest {
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";

  @TempDir
  Path dir;

  @Test
  void spansGoToTheOtlpEndpointWhenOneIsConfigured() throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicInteger exports = new AtomicInteger();
    AtomicReference<String> type = new AtomicReference<>();
    int port = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (request.path().equals("/v1/traces") && body.length() > 0) {
        type.set(request.getHeader("Content-Type"));
        exports.incrementAndGet();
      }
      request.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await().actualPort();
    try (RunningApp service = RunningApp.start("otlp", dir, SharedLocalAws.environment(),
        Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + port)), json -> json)) {
      assertEquals(202, service.http.postJson("{\"name\":\"Exported\",\"price\":1}").statusCode());
      Poll.until(Duration.ofSeconds(30), "an OTLP export", () -> exports.get() > 0);
      assertEquals("application/x-protobuf", type.get());
    } finally {
      vertx.close().await();
    }
    assertTrue(Tracing.fromEnvironment(Map.of()).enabled() == false, "off unless configured");
  }

  @Test
  void theAcceptAndStoreSpansShareTheCallersTrace() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (RunningApp service = RunningApp.start("tracing", dir, SharedLocalAws.environment(),
        Tracing.exportingTo(spans), json -> json)) {
      String id = new JsonObject(service.http.postJson("{\"name\":\"Traced\",\"price\":1}",
          TraceContext.HEADER, "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01").body()).getString("id");
      Poll.until(Duration.ofSeconds(30), "both spans exported", () -> spans.getFinishedSpanItems().size() >= 2);
      List<SpanData> finished = spans.getFinishedSpanItems();
      SpanData accept = finished.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
      SpanData store = finished.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).findFirst().orElseThrow();
      assertEquals("POST /products", accept.getName());
      assertEquals(CALLER_TRACE, accept.getTraceId());
      assertEquals(CALLER_SPAN, accept.getParentSpanId(), "continues the caller's span");
      assertEquals("store product", store.getName());
      assertEquals(CALLER_TRACE, store.getTraceId(), "the worker's span is in the same trace");
      assertEquals(accept.getSpanId(), store.getParentSpanId(), "carried through the SQS message attribute");
      assertEquals(id, store.getAttributes().get(Tracing.PRODUCT_ID));
      assertNotNull(accept.getAttributes().get(Tracing.PRODUCT_ID));
      assertTrue(store.getEndEpochNanos() >= accept.getEndEpochNanos());
    }
  }
}
