package io.asynccatalog.http;

import io.asynccatalog.bus.Addresses;
import io.asynccatalog.clients.ClientKeys;
import io.asynccatalog.clients.ClientLimiter;
import io.asynccatalog.clients.RateLimits;
import io.asynccatalog.bus.EnqueueRequest;
import io.asynccatalog.bus.EnqueueResult;
import io.asynccatalog.domain.FieldError;
import io.asynccatalog.domain.Instants;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductBatchParser;
import io.asynccatalog.domain.ProductDraft;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductRequestParser;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.queue.SqsLimits;
import io.asynccatalog.store.IdempotencyStore;
import io.asynccatalog.tracing.TraceContext;
import io.asynccatalog.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The write side of the API: {@code POST /products} (one product) and {@code POST /products/batch} (many, all or
 * nothing at validation). Both assign ids at ingest, claim an {@code Idempotency-Key} when one is given, and hand
 * the products to the publisher; the answer says, per product, whether SQS has taken it.
 */
public final class IngestRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);
  private static final Logger JOURNEY = LoggerFactory.getLogger("catalog.journey");
  /** The header of the IETF idempotency-key draft. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Pattern VALID_KEY = Pattern.compile("[!-~]{1,255}");

  private final Vertx vertx;
  private final ProductRequestParser parser;
  private final ProductBatchParser batchParser;
  private final IdempotencyStore keys;
  private final Readiness readiness;
  private final boolean packing;
  private final CatalogMetrics metrics;
  private final Tracing tracing;
  private final ClientLimiter limiter;
  private final DeliveryOptions enqueueOptions;

  public IngestRoutes(Vertx vertx, ProductRequestParser parser, ProductBatchParser batchParser, IdempotencyStore keys,
                      Readiness readiness, boolean packing, Duration enqueueTimeout, ClientLimiter limiter,
                      CatalogMetrics metrics, Tracing tracing) {
    this.vertx = vertx;
    this.parser = parser;
    this.batchParser = batchParser;
    this.keys = keys;
    this.readiness = readiness;
    this.packing = packing;
    this.metrics = metrics;
    this.tracing = tracing;
    this.limiter = limiter;
    // the publisher answers at its own deadline; the bus timeout is only a backstop behind it
    this.enqueueOptions = new DeliveryOptions().setSendTimeout(enqueueTimeout.toMillis() + 1000);
  }

  /** One request's products on their way to the queue. */
  private record Intake(RoutingContext ctx, String client, boolean bulk, List<Product> products, BitSet queuedBefore,
                        String key, IdempotencyStore.Claim claim) {
    boolean replayed() {
      return claim != null && !claim.first();
    }
  }

  public void create(RoutingContext ctx) {
    String key = idempotencyKey(ctx);
    if (key == null && ctx.response().ended()) {
      return;
    }
    byte[] body = RequestBodies.bytes(ctx);
    ProductRequestParser.Result parsed = parser.parse(body);
    if (parsed instanceof ProductRequestParser.Invalid invalid) {
      Problems.send(ctx, 400, "invalid-product", "Invalid product", invalid.detail(), invalid.errors());
      return;
    }
    accept(ctx, false, List.of(((ProductRequestParser.Valid) parsed).draft()), key, sha256("", body));
  }

  public void createBatch(RoutingContext ctx) {
    String key = idempotencyKey(ctx);
    if (key == null && ctx.response().ended()) {
      return;
    }
    byte[] body = RequestBodies.bytes(ctx);
    ProductBatchParser.Result parsed = batchParser.parse(body);
    if (parsed instanceof ProductBatchParser.Invalid invalid) {
      Problems.send(ctx, 400, "invalid-products", "Invalid products", invalid.detail(), invalid.errors());
      return;
    }
    accept(ctx, true, ((ProductBatchParser.Valid) parsed).drafts(), key, sha256("bulk\n", body));
  }

  /** The Idempotency-Key header; null when absent, or null after answering 400 when it is malformed. */
  private String idempotencyKey(RoutingContext ctx) {
    if (!readiness.isReady()) {
      Problems.unavailable(ctx, "The service is " + readiness.reason() + " and takes no products now.");
      return null;
    }
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key != null && !VALID_KEY.matcher(key).matches()) {
      Problems.send(ctx, 400, "invalid-idempotency-key", "Invalid Idempotency-Key",
          "An Idempotency-Key is 1 to 255 visible ASCII characters.",
          List.of(new FieldError(IDEMPOTENCY_KEY, "must be 1 to 255 visible ASCII characters")));
      return null;
    }
    return key;
  }

  private void accept(RoutingContext ctx, boolean bulk, List<ProductDraft> drafts, String key, String requestHash) {
    String client = ApiKeys.client(ctx);
    if (!withinLimit(ctx, client, drafts.size())) {
      return;
    }
    // microseconds: what a PostgreSQL timestamptz keeps, so that both stores give back exactly what was accepted
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<String> ids = new ArrayList<>(drafts.size());
    for (int i = 0; i < drafts.size(); i++) {
      ids.add(ProductIds.next());
    }
    List<Product> products = assign(drafts, ids, now);
    if (key == null) {
      enqueue(new Intake(ctx, client, bulk, products, new BitSet(), null, null));
      return;
    }
    keys.claim(scoped(client, key), requestHash, products).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("idempotency key lookup failed: {}", result.cause().toString());
        Problems.unavailable(ctx, "Idempotency keys cannot be checked now; nothing was accepted.");
        return;
      }
      IdempotencyStore.Claim claim = result.result();
      if (claim.first()) {
        enqueue(new Intake(ctx, client, bulk, products, new BitSet(), key, claim));
      } else if (!claim.requestHash().equals(requestHash) || claim.ids().size() != drafts.size()) {
        Problems.send(ctx, 422, "idempotency-key-reused", "Idempotency-Key reused",
            "This Idempotency-Key was used with a different request body; use a new key for new products.");
      } else {
        // the same products under the ids they were given; what SQS took already is not sent again
        BitSet queued = claim.queued() == null ? new BitSet() : claim.queued();
        enqueue(new Intake(ctx, client, bulk, assign(drafts, claim.ids(), claim.createdAt()), queued, key, claim));
      }
    });
  }

  /**
   * A key belongs to the client that sent it (as Stripe and the IETF draft scope them): two clients using the same
   * key never see each other's products. Client names hold no ':', so no two clients' scoped keys meet; with API keys
   * off there is one client and its keys are kept as sent, as before keys were scoped.
   */
  static String scoped(String client, String key) {
    return ClientKeys.ANONYMOUS.equals(client) ? key : client + ":" + key;
  }

  /**
   * Takes the request's products from the client's bucket, before anything is claimed or queued; over the limit,
   * answers 429 with {@code Retry-After}. A valid request spends its products whatever becomes of them (as a
   * gateway's throttle counts requests): the limit bounds the work a client can cause, 503s included. The
   * RateLimit header fields go on every answer of a limited client.
   */
  private boolean withinLimit(RoutingContext ctx, String client, int products) {
    ClientLimiter.Decision decision = limiter.take(client, products);
    if (decision == null) {
      return true;
    }
    ctx.response().putHeader("RateLimit-Policy", decision.policyHeader())
        .putHeader("RateLimit", decision.stateHeader());
    if (decision.allowed()) {
      return true;
    }
    metrics.rateLimited(client, products);
    RateLimits.Limit limit = decision.limit();
    String unit = products == 1 ? " product" : " products";
    if (decision.tooLarge()) {
      Problems.send(ctx, 429, "rate-limit-burst-exceeded", "Too Many Requests",
          "This request has " + products + unit + ", more than client '" + client + "' may send at once (a burst of "
              + limit.burst() + " at " + limit.perSecond() + " products/s); send at most " + limit.burst()
              + " per request. Nothing was queued.");
      return false;
    }
    ctx.response().putHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
    Problems.send(ctx, 429, "rate-limited", "Too Many Requests",
        "Client '" + client + "' may send " + limit.perSecond() + " products/s (bursts of " + limit.burst()
            + "); this request of " + products + unit + " is over what is left (" + decision.remaining()
            + "). Nothing was queued; retry after " + decision.retryAfterSeconds() + " s.");
    return false;
  }

  private static List<Product> assign(List<ProductDraft> drafts, List<String> ids, Instant createdAt) {
    List<Product> products = new ArrayList<>(drafts.size());
    for (int i = 0; i < drafts.size(); i++) {
      products.add(drafts.get(i).accept(ids.get(i), createdAt));
    }
    return products;
  }

  private void enqueue(Intake intake) {
    RoutingContext ctx = intake.ctx();
    TraceContext incoming = TraceContext.parse(ctx.request().getHeader(TraceContext.HEADER));
    Span span = tracing.start(intake.bulk() ? "POST /products/batch" : "POST /products", SpanKind.SERVER, incoming,
        null);
    TraceContext trace = Tracing.contextOf(span, incoming);
    String requestId = requestId(ctx, trace);
    List<Integer> sent = new ArrayList<>();
    List<EnqueueRequest.Outgoing> outgoing = new ArrayList<>();
    for (int i = 0; i < intake.products().size(); i++) {
      if (!intake.queuedBefore().get(i)) {
        sent.add(i);
        outgoing.add(outgoing(intake.products().get(i), trace.header(), intake.replayed()));
      }
    }
    DeliveryOptions options = new DeliveryOptions(enqueueOptions);
    vertx.eventBus().<EnqueueResult>request(Addresses.ENQUEUE, new EnqueueRequest(intake.client(), outgoing), options)
        .onComplete(result -> {
          BitSet queued = (BitSet) intake.queuedBefore().clone();
          String failure = null;
          boolean refused = false;
          if (result.succeeded()) {
            EnqueueResult answer = result.result().body();
            for (int j = 0; j < sent.size(); j++) {
              if (answer.isAccepted(j)) {
                queued.set(sent.get(j));
              }
            }
            failure = answer.failure();
            refused = answer.refused();
          } else {
            failure = result.cause() instanceof ReplyException reply ? reply.getMessage() : result.cause().toString();
          }
          int total = intake.products().size();
          int accepted = queued.cardinality();
          String only = total == 1 ? intake.products().get(0).id() : null;
          Tracing.end(span, only, accepted == total, accepted == total ? null : failure);
          journey(intake, queued, trace, requestId);
          metrics.accepted(intake.client(), accepted);
          metrics.refused(intake.client(), total - accepted);
          String why = failure;
          boolean sqsRefused = refused;
          remember(intake, queued, sent.size()).onComplete(done -> {
            if (intake.bulk()) {
              BulkAnswers.send(ctx, intake.products(), queued, why, sqsRefused, intake.replayed());
            } else {
              single(ctx, intake, accepted == 1, why, sqsRefused);
            }
          });
        });
  }

  private EnqueueRequest.Outgoing outgoing(Product product, String traceparent, boolean resent) {
    String body = packing ? ProductMessages.coreEntry(product, resent) : ProductMessages.single(product);
    return new EnqueueRequest.Outgoing(product.id(), body, SqsLimits.utf8Length(body),
        Instants.format(product.createdAt()), traceparent);
  }

  /**
   * A keyed bulk request records which of its products are queued before it is answered, so that a retry re-sends
   * only the others. Failing to record costs nothing but re-sending (harmless), so the answer does not wait on it.
   */
  private Future<Void> remember(Intake intake, BitSet queued, int sent) {
    if (intake.key() == null || !intake.bulk() || sent == 0 || queued.equals(intake.queuedBefore())) {
      return Future.succeededFuture();
    }
    return keys.queued(scoped(intake.client(), intake.key()), intake.claim(), queued).recover(error -> {
      LOG.warn("could not record what a keyed bulk request queued (a retry re-sends all of it): {}", error.toString());
      return Future.succeededFuture();
    });
  }

  private static void journey(Intake intake, BitSet queued, TraceContext trace, String requestId) {
    if (!JOURNEY.isInfoEnabled()) {
      return;
    }
    for (int i = 0; i < intake.products().size(); i++) {
      if (queued.get(i)) {
        JOURNEY.atInfo().addKeyValue("event", "accepted").addKeyValue("productId", intake.products().get(i).id())
            .addKeyValue("traceId", trace.traceId()).addKeyValue("spanId", trace.spanId())
            .addKeyValue("requestId", requestId).addKeyValue("client", intake.client())
            .addKeyValue("replayed", intake.replayed())
            .log("product accepted");
      }
    }
  }

  private static void single(RoutingContext ctx, Intake intake, boolean accepted, String failure, boolean refused) {
    Product product = intake.products().get(0);
    if (accepted) {
      String location = "/products/" + product.id();
      if (intake.replayed()) {
        ctx.response().putHeader("Idempotent-Replayed", "true");
      }
      ctx.response().setStatusCode(202)
          .putHeader("Location", location)
          .putHeader("Content-Type", "application/json")
          .end(BulkAnswers.accepted(product).toBuffer());
    } else if (refused) {
      LOG.error("product {} refused by SQS: {}", product.id(), failure);
      Problems.send(ctx, 500, "enqueue-refused", "Internal Server Error",
          "The queue refused the product; it was not accepted.");
    } else {
      Problems.unavailable(ctx, "The product could not be queued in time and was not accepted; retry later.");
    }
  }

  /** The client's X-Request-Id when it is sane, else the span id of this request; echoed in the response. */
  private static String requestId(RoutingContext ctx, TraceContext trace) {
    String given = ctx.request().getHeader("X-Request-Id");
    String id = given != null && given.matches("[A-Za-z0-9._-]{1,64}") ? given : trace.spanId();
    ctx.response().putHeader("X-Request-Id", id);
    return id;
  }

  private static String sha256(String route, byte[] bytes) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(route.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest.digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
