package io.asynccatalog.http;

import io.asynccatalog.bus.Addresses;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.domain.ProductRequestParser;
import io.asynccatalog.domain.ProductRequestParser.Invalid;
import io.asynccatalog.domain.ProductRequestParser.Valid;
import io.asynccatalog.domain.FieldError;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.store.IdempotencyKeys;
import io.asynccatalog.store.ProductTable;
import io.asynccatalog.store.ReportBucket;
import io.asynccatalog.tracing.TraceContext;
import io.asynccatalog.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The product API: accept a product (202 once it is on the queue), read a stored product, read its report. */
public final class ProductRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ProductRoutes.class);
  private static final Logger JOURNEY = LoggerFactory.getLogger("catalog.journey");
  /** The header of the IETF idempotency-key draft. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Pattern VALID_KEY = Pattern.compile("[!-~]{1,255}");
  private static final String ID_SCHEMA = "/components/schemas/ProductId";
  private static final String LIMIT_SCHEMA = "/paths/~1products/get/parameters/0/schema";
  private static final String CURSOR_SCHEMA = "/paths/~1products/get/parameters/1/schema";

  private final Vertx vertx;
  private final ProductRequestParser parser;
  private final ProductTable table;
  private final ReportBucket reports;
  private final IdempotencyKeys keys;
  private final Readiness readiness;
  private final Parameters parameters;
  private final CatalogMetrics metrics;
  private final Tracing tracing;
  private final DeliveryOptions enqueueOptions;

  public ProductRoutes(Vertx vertx, ProductRequestParser parser, ProductTable table, ReportBucket reports,
                       IdempotencyKeys keys, Readiness readiness, Parameters parameters, Duration enqueueTimeout,
                       CatalogMetrics metrics, Tracing tracing) {
    this.tracing = tracing;
    this.parameters = parameters;
    this.metrics = metrics;
    this.vertx = vertx;
    this.parser = parser;
    this.table = table;
    this.reports = reports;
    this.keys = keys;
    this.readiness = readiness;
    // the publisher answers at its own deadline; the bus timeout is only a backstop behind it
    this.enqueueOptions = new DeliveryOptions().setSendTimeout(enqueueTimeout.toMillis() + 1000);
  }

  public void create(RoutingContext ctx) {
    if (!readiness.isReady()) {
      Problems.unavailable(ctx, "The service is " + readiness.reason() + " and takes no products now.");
      return;
    }
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key != null && !VALID_KEY.matcher(key).matches()) {
      Problems.send(ctx, 400, "invalid-idempotency-key", "Invalid Idempotency-Key",
          "An Idempotency-Key is 1 to 255 visible ASCII characters.",
          List.of(new FieldError(IDEMPOTENCY_KEY, "must be 1 to 255 visible ASCII characters")));
      return;
    }
    Buffer body = ctx.body().buffer();
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    ProductRequestParser.Result parsed = parser.parse(bytes);
    if (parsed instanceof Invalid invalid) {
      Problems.send(ctx, 400, "invalid-product", "Invalid product", invalid.detail(), invalid.errors());
      return;
    }
    Product product = ((Valid) parsed).draft().accept(ProductIds.next(), Instant.now());
    if (key == null) {
      enqueue(ctx, product, false);
    } else {
      claimThenEnqueue(ctx, key, sha256(bytes), product);
    }
  }

  /**
   * A repeat of a key gets the first request's product (same id) and re-sends it: the first send may have failed,
   * and re-sending an already stored product writes the same item again, so a repeat is always safe.
   */
  private void claimThenEnqueue(RoutingContext ctx, String key, String requestHash, Product product) {
    keys.claim(key, requestHash, product).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("idempotency key lookup failed: {}", result.cause().toString());
        Problems.unavailable(ctx, "Idempotency keys cannot be checked now; the product was not accepted.");
        return;
      }
      IdempotencyKeys.Claim claim = result.result();
      if (!claim.first() && !claim.requestHash().equals(requestHash)) {
        Problems.send(ctx, 422, "idempotency-key-reused", "Idempotency-Key reused",
            "This Idempotency-Key was used with a different request body; use a new key for a new product.");
        return;
      }
      enqueue(ctx, claim.product(), !claim.first());
    });
  }

  private void enqueue(RoutingContext ctx, Product product, boolean replayed) {
    TraceContext incoming = TraceContext.parse(ctx.request().getHeader(TraceContext.HEADER));
    Span span = tracing.start("POST /products", SpanKind.SERVER, incoming, null);
    TraceContext trace = Tracing.contextOf(span, incoming);
    String requestId = requestId(ctx, trace);
    DeliveryOptions options = new DeliveryOptions(enqueueOptions).addHeader(TraceContext.HEADER, trace.header());
    vertx.eventBus().request(Addresses.ENQUEUE, product, options).onComplete(result -> {
      Tracing.end(span, product.id(), result.succeeded(), result.succeeded() ? null : result.cause().getMessage());
      if (result.succeeded()) {
        metrics.accepted();
        if (JOURNEY.isInfoEnabled()) {
          JOURNEY.atInfo().addKeyValue("event", "accepted").addKeyValue("productId", product.id())
              .addKeyValue("traceId", trace.traceId()).addKeyValue("spanId", trace.spanId())
              .addKeyValue("requestId", requestId).addKeyValue("replayed", replayed)
              .log("product accepted");
        }
        String location = "/products/" + product.id();
        if (replayed) {
          ctx.response().putHeader("Idempotent-Replayed", "true");
        }
        ctx.response().setStatusCode(202)
            .putHeader("Location", location)
            .putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("id", product.id()).put("status", "accepted").put("location", location)
                .toBuffer());
      } else if (result.cause() instanceof ReplyException reply && reply.failureCode() == Addresses.FAILED) {
        LOG.error("product {} refused by SQS: {}", product.id(), reply.getMessage());
        Problems.send(ctx, 500, "enqueue-refused", "Internal Server Error",
            "The queue refused the product; it was not accepted.");
      } else {
        metrics.refused();
        Problems.unavailable(ctx, "The product could not be queued in time and was not accepted; retry later.");
      }
    });
  }

  public void get(RoutingContext ctx) {
    String id = productId(ctx);
    if (id == null) {
      return;
    }
    table.get(id).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("GetItem {} failed: {}", id, result.cause().toString());
        Problems.unavailable(ctx, "The product table is not reachable; retry later.");
      } else if (result.result().isEmpty()) {
        notFound(ctx, id);
      } else {
        ctx.response().putHeader("Content-Type", "application/json")
            .end(ProductJson.toApi(result.result().get()).toBuffer());
      }
    });
  }

  public void report(RoutingContext ctx) {
    String id = productId(ctx);
    if (id == null) {
      return;
    }
    table.get(id)
        .compose(stored -> stored.isEmpty()
            ? Future.succeededFuture(Optional.<Buffer>empty())
            : reports.get(stored.get().report()))
        .onComplete(result -> {
          if (result.failed()) {
            LOG.warn("report of {} failed: {}", id, result.cause().toString());
            Problems.unavailable(ctx, "The report store is not reachable; retry later.");
          } else if (result.result().isEmpty()) {
            Problems.send(ctx, 404, "report-not-found", "Not Found",
                "No report for product " + id + " (yet): reports are written just after the product is stored.");
          } else {
            ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(result.result().get());
          }
        });
  }

  /** GET /products: a page of stored products and the cursor of the next one. */
  public void list(RoutingContext ctx) {
    Integer limit = parameters.integer(ctx, "limit", LIMIT_SCHEMA);
    if (limit == null) {
      return;
    }
    String cursor = parameters.text(ctx, "cursor", ctx.queryParams().get("cursor"), CURSOR_SCHEMA, null);
    if (cursor == null && ctx.queryParams().get("cursor") != null) {
      return;
    }
    String after = cursor == null ? null : Cursors.decode(cursor);
    if (cursor != null && after == null) {
      Parameters.bad(ctx, "cursor", "is not a cursor given by this API");
      return;
    }
    table.page(limit, after).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("Scan failed: {}", result.cause().toString());
        Problems.unavailable(ctx, "The product table is not reachable; retry later.");
        return;
      }
      JsonArray items = new JsonArray();
      result.result().products().forEach(p -> items.add(ProductJson.toApi(p)));
      String next = result.result().lastId() == null ? null : Cursors.encode(result.result().lastId());
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("items", items).put("next", next).toBuffer());
    });
  }

  private String productId(RoutingContext ctx) {
    return parameters.text(ctx, "id", ctx.pathParam("id"), ID_SCHEMA, null);
  }

  private static void notFound(RoutingContext ctx, String id) {
    Problems.send(ctx, 404, "product-not-found", "Not Found",
        "No stored product " + id + ". An accepted product is readable once a worker has stored it.");
  }

  /** The client's X-Request-Id when it is sane, else the span id of this request; echoed in the response. */
  private static String requestId(RoutingContext ctx, TraceContext trace) {
    String given = ctx.request().getHeader("X-Request-Id");
    String id = given != null && given.matches("[A-Za-z0-9._-]{1,64}") ? given : trace.spanId();
    ctx.response().putHeader("X-Request-Id", id);
    return id;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
