package io.asynccatalog.http;

import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.bus.EnqueueRequest;
import io.asynccatalog.bus.EnqueueResult;
import io.asynccatalog.clients.ClientKeys;
import io.asynccatalog.clients.ClientLimiter;
import io.asynccatalog.domain.FieldError;
import io.asynccatalog.domain.Instants;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductBatchParser;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.domain.ProductRequestParser;
import io.asynccatalog.domain.StrictJson;
import io.asynccatalog.domain.WriteDraft;
import io.asynccatalog.domain.WriteParser;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.queue.SqsLimits;
import io.asynccatalog.store.IdempotencyStore;
import io.asynccatalog.tracing.LogTrace;
import io.asynccatalog.tracing.TraceContext;
import io.asynccatalog.tracing.Tracing;
import io.asynccatalog.versions.VersionClock;
import io.asynccatalog.versions.Write;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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
 * The write side of the API as a chain of steps over one {@link Intake}, each a route handler that either answers or
 * passes on: {@link #admit} (before the body: readiness, the Idempotency-Key's form, a client with no rate-limit
 * tokens left), a parse step ({@link #parseOne}, {@link #parseBatch}, {@link #parseReplace}, {@link #parsePatch} or
 * {@link #parseDelete}: the request as writes), {@link #limit} (the client's products per second; a write counts as
 * a product), {@link #claim} (ids and versions, fixed once per Idempotency-Key), {@link #enqueue} (the publisher,
 * within what is left of the request's deadline) and {@link #answer}. A step that finds the request already answered
 * (its 408) does nothing.
 */
public final class IngestRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);
  private static final Logger JOURNEY = LoggerFactory.getLogger("catalog.journey");
  /** The header of the IETF idempotency-key draft. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Pattern VALID_KEY = Pattern.compile("[!-~]{1,255}");
  private static final String INTAKE = "catalog.intake";
  /** Less of the request's deadline left than this: nothing is sent to SQS, the answer is a 503. */
  private static final Duration LEAST_TO_ENQUEUE = Duration.ofMillis(50);

  private final Vertx vertx;
  private final ProductRequestParser parser;
  private final ProductBatchParser batchParser;
  private final IdempotencyStore keys;
  private final Readiness readiness;
  private final boolean packing;
  private final Duration enqueueTimeout;
  private final CatalogMetrics metrics;
  private final Tracing tracing;
  private final ClientLimiter limiter;
  private final WriteParser writeParser;
  private final VersionClock clock;
  private final boolean versionedWrites;

  /**
   * {@code clock}: the process's one version clock; {@code versionedWrites}: whether replaces, patches and deletes
   * are taken (off while a fleet is upgraded from a version whose readers do not know them).
   */
  public IngestRoutes(Vertx vertx, ProductRequestParser parser, ProductBatchParser batchParser, IdempotencyStore keys,
                      Readiness readiness, boolean packing, Duration enqueueTimeout, ClientLimiter limiter,
                      CatalogMetrics metrics, Tracing tracing, VersionClock clock, boolean versionedWrites) {
    this.vertx = vertx;
    this.writeParser = new WriteParser(parser);
    this.clock = clock;
    this.versionedWrites = versionedWrites;
    this.parser = parser;
    this.batchParser = batchParser;
    this.keys = keys;
    this.readiness = readiness;
    this.packing = packing;
    this.enqueueTimeout = enqueueTimeout;
    this.metrics = metrics;
    this.tracing = tracing;
    this.limiter = limiter;
  }

  /** What the steps learn about one write request, in the order they learn it. */
  private static final class Intake {
    String client;
    String key;
    boolean bulk;
    String route;
    String requestHash;
    List<WriteDraft> drafts;
    List<Write> writes;
    BitSet queuedBefore = new BitSet();
    IdempotencyStore.Claim claim;
    TraceContext trace;
    String requestId;
    BitSet queued;
    BitSet unknown = new BitSet();
    String failure;
    boolean refused;

    boolean replayed() {
      return claim != null && !claim.first();
    }
  }

  private static Intake intake(RoutingContext ctx) {
    return ctx.get(INTAKE);
  }

  /**
   * Before the body is read: the service must be taking products, the Idempotency-Key well formed, and the client
   * (known from its API key) must have a product left in its rate limit, so that a client with none costs no read,
   * inflation or validation of up to megabytes of body.
   */
  public void admit(RoutingContext ctx) {
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
    Intake intake = new Intake();
    intake.client = ApiKeys.client(ctx);
    intake.key = key;
    ClientLimiter.Decision empty = limiter.refuseEmpty(intake.client);
    if (empty != null) {
      RateLimited.answer(ctx, intake.client, empty, 0, metrics);
      return;
    }
    ctx.put(INTAKE, intake);
    ctx.next();
  }

  /** {@code POST /products}: one product. */
  public void parseOne(RoutingContext ctx) {
    byte[] body = RequestBodies.bytes(ctx);
    ProductRequestParser.Result parsed = parser.parse(body);
    if (parsed instanceof ProductRequestParser.Invalid invalid) {
      Problems.send(ctx, 400, "invalid-product", "Invalid product", invalid.detail(), invalid.errors());
      return;
    }
    parsed(ctx, false, List.of(WriteDraft.create(((ProductRequestParser.Valid) parsed).draft())),
        sha256("", body));
  }

  /** {@code POST /products/batch}: many products, all or nothing at validation. */
  public void parseBatch(RoutingContext ctx) {
    byte[] body = RequestBodies.bytes(ctx);
    ProductBatchParser.Result parsed = batchParser.parse(body);
    if (parsed instanceof ProductBatchParser.Invalid invalid) {
      Problems.send(ctx, 400, "invalid-products", "Invalid products", invalid.detail(), invalid.errors());
      return;
    }
    List<WriteDraft> writes = ((ProductBatchParser.Valid) parsed).writes();
    if (!versionedWrites && writes.stream().anyMatch(w -> w.op() != WriteDraft.Op.CREATE)) {
      notTaken(ctx);
      return;
    }
    parsed(ctx, true, writes, sha256("bulk\n", body));
  }

  /** {@code PUT /products/{id}} and {@code PUT /products/sku/{sku}}: the whole product. */
  public void parseReplace(RoutingContext ctx) {
    parseSingle(ctx, "put", "invalid-product", "Invalid product", "The product",
        (target, json, version) -> writeParser.replace(target, ctx.pathParam("sku"), json, version));
  }

  /** {@code PATCH /products/{id}} and {@code PATCH /products/sku/{sku}}: a JSON merge patch. */
  public void parsePatch(RoutingContext ctx) {
    parseSingle(ctx, "patch", "invalid-patch", "Invalid merge patch", "The merge patch",
        (target, json, version) -> writeParser.patch(target, ctx.pathParam("sku") != null, json, version));
  }

  /** How a single write's JSON body becomes a write, or its field errors. */
  private interface BodyParser {
    WriteParser.Parsed parse(String target, com.fasterxml.jackson.databind.node.ObjectNode json, Long version);
  }

  /**
   * A single write with a JSON body (replace, patch): its target, its version, the body read strictly, then parsed;
   * any of them wrong answers 400 with the problem {@code type} and the field. The key's request hash covers the
   * method, the path, the version and the body.
   */
  private void parseSingle(RoutingContext ctx, String method, String type, String title, String what,
                           BodyParser parser) {
    String target = target(ctx);
    Long version = version(ctx);
    if (target == null || version == null && ctx.response().ended()) {
      return;
    }
    byte[] body = RequestBodies.bytes(ctx);
    com.fasterxml.jackson.databind.node.ObjectNode json;
    try {
      json = StrictJson.readObject(body);
    } catch (StrictJson.Refused e) {
      Problems.send(ctx, 400, type, title, e.getMessage(), List.of(new FieldError(
          e.field() == null ? "body" : e.field(), e.getMessage().replace("The request body is not valid JSON: ", ""))));
      return;
    }
    WriteParser.Parsed parsed = parser.parse(target, json, version);
    if (parsed.draft() == null) {
      Problems.send(ctx, 400, type, title, what + " has " + parsed.errors().size() + " invalid field(s).",
          parsed.errors());
      return;
    }
    parsed(ctx, false, List.of(parsed.draft()), sha256(method + " " + ctx.request().path() + "?" + version + "\n",
        body));
  }

  /** {@code DELETE /products/{id}} and {@code DELETE /products/sku/{sku}}. */
  public void parseDelete(RoutingContext ctx) {
    String target = target(ctx);
    Long version = version(ctx);
    if (target == null || version == null && ctx.response().ended()) {
      return;
    }
    parsed(ctx, false, List.of(WriteParser.delete(target, version).draft()),
        sha256("delete " + ctx.request().path() + "?" + version + "\n", new byte[0]));
  }

  /** The product a single write addresses (by id or by sku), or null once it has answered 400 (or 501). */
  private String target(RoutingContext ctx) {
    if (!versionedWrites) {
      notTaken(ctx);
      return null;
    }
    List<FieldError> errors = new ArrayList<>();
    String target = WriteParser.target(ctx.pathParam("id"), ctx.pathParam("sku"), errors);
    if (target == null) {
      FieldError error = errors.get(0);
      Parameters.bad(ctx, error.field(), error.message());
    }
    return target;
  }

  /** {@code ?version=}: the client's version, null when absent (or when it has answered 400: see the response). */
  private static Long version(RoutingContext ctx) {
    String text = ctx.queryParams().get("version");
    if (text == null) {
      return null;
    }
    try {
      long version = Long.parseLong(text);
      if (version >= 0 && text.matches("[0-9]+")) {
        return version;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    Parameters.bad(ctx, "version", "must be an integer from 0 to 9223372036854775807");
    return null;
  }

  private static void notTaken(RoutingContext ctx) {
    Problems.send(ctx, 501, "versioned-writes-off", "Not Implemented", "This service takes creates only for now "
        + "(CATALOG_VERSIONED_WRITES=false, as while a fleet is upgraded): replaces, patches and deletes are refused, "
        + "and nothing was queued.");
  }

  private void parsed(RoutingContext ctx, boolean bulk, List<WriteDraft> drafts, String requestHash) {
    Intake intake = intake(ctx);
    intake.bulk = bulk;
    intake.route = ctx.request().method().name() + " " + (ctx.currentRoute() == null ? ctx.request().path()
        : ctx.currentRoute().getPath());
    intake.drafts = drafts;
    intake.requestHash = requestHash;
    ctx.next();
  }

  /**
   * Takes the request's products from the client's bucket, before anything is claimed or queued; over the limit,
   * answers 429 with {@code Retry-After}. A valid request spends its products whatever becomes of them (as a
   * gateway's throttle counts requests): the limit bounds the work a client can cause, 503s included. The
   * RateLimit header fields go on every answer of a limited client.
   */
  public void limit(RoutingContext ctx) {
    Intake intake = intake(ctx);
    int products = intake.drafts.size(); // a write counts as a product
    ClientLimiter.Decision decision = limiter.take(intake.client, products);
    if (decision == null) {
      ctx.next();
      return;
    }
    if (decision.allowed()) {
      RateLimited.headers(ctx, decision);
      ctx.next();
    } else {
      RateLimited.answer(ctx, intake.client, decision, products, metrics);
    }
  }

  /**
   * Gives the writes their ids and versions: new ones (consecutive versions from the clock, whose first is the
   * request's acceptance time, in microseconds, as a PostgreSQL timestamptz keeps it), or with an Idempotency-Key those
   * of the key's first request (and what of it SQS took already), so that a retry queues the very same writes; the
   * same key with another body is a 422.
   */
  public void claim(RoutingContext ctx) {
    Intake intake = intake(ctx);
    Instant now = VersionClock.instantOf(clock.next(intake.drafts.size()));
    List<String> ids = new ArrayList<>(intake.drafts.size());
    for (WriteDraft draft : intake.drafts) {
      ids.add(draft.writeId());
    }
    intake.writes = assign(intake.drafts, ids, now);
    if (intake.key == null) {
      ctx.next();
      return;
    }
    Write only = intake.writes.size() == 1 ? intake.writes.get(0) : null;
    String legacy = only != null && only.isCreate() ? ProductJson.toMessage(only.asProduct()) : null;
    keys.claim(scoped(intake.client, intake.key), intake.requestHash, ids, now, legacy).onComplete(result -> {
      if (RequestDeadline.over(ctx)) {
        return; // answered 408 meanwhile: nothing is queued (a retry with the key gets the claimed ids)
      }
      if (result.failed()) {
        LOG.warn("idempotency key lookup failed: {}", result.cause().toString());
        Problems.unavailable(ctx, "Idempotency keys cannot be checked now; nothing was accepted.");
        return;
      }
      IdempotencyStore.Claim claim = result.result();
      intake.claim = claim;
      if (claim.first()) {
        ctx.next();
      } else if (!claim.requestHash().equals(intake.requestHash) || claim.ids().size() != intake.drafts.size()) {
        Problems.send(ctx, 422, "idempotency-key-reused", "Idempotency-Key reused",
            "This Idempotency-Key was used with a different request body; use a new key for new products.");
      } else {
        // the same products under the ids they were given; what SQS took already is not sent again
        intake.queuedBefore = claim.queued() == null ? new BitSet() : claim.queued();
        intake.writes = assign(intake.drafts, claim.ids(), claim.createdAt());
        ctx.next();
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

  /** Write {@code i} gets the {@code i}-th version from the request's acceptance time on (creates: that time). */
  private static List<Write> assign(List<WriteDraft> drafts, List<String> ids, Instant createdAt) {
    long first = VersionClock.microsOf(createdAt);
    List<Write> writes = new ArrayList<>(drafts.size());
    for (int i = 0; i < drafts.size(); i++) {
      writes.add(drafts.get(i).accept(ids.get(i), first + i, createdAt));
    }
    return writes;
  }

  /**
   * Hands the products not queued before to the publisher, which answers within what is left of the request's
   * deadline: from here on the request cannot time out into a 408 while its products are being queued.
   */
  public void enqueue(RoutingContext ctx) {
    Intake intake = intake(ctx);
    Deadline deadline = RequestDeadline.commit(ctx, LEAST_TO_ENQUEUE);
    if (deadline == null) {
      if (!RequestDeadline.over(ctx)) {
        Problems.unavailable(ctx, "The request's deadline was too near to queue its products; nothing was accepted.");
      }
      return;
    }
    TraceContext incoming = RequestTrace.incoming(ctx);
    Span span = tracing.start(intake.route, SpanKind.SERVER, incoming, null);
    intake.trace = Tracing.contextOf(span, incoming);
    LogTrace.set(intake.trace); // the request's lines from here on carry the trace its products travel with
    intake.requestId = RequestTrace.requestId(ctx);
    ctx.response().putHeader("X-Request-Id", intake.requestId);
    List<Integer> sent = new ArrayList<>();
    List<EnqueueRequest.Outgoing> outgoing = new ArrayList<>();
    for (int i = 0; i < intake.writes.size(); i++) {
      if (!intake.queuedBefore.get(i)) {
        sent.add(i);
        outgoing.add(outgoing(intake.writes.get(i), intake.trace.header(), intake.replayed()));
      }
    }
    // the publisher answers by the deadline; the bus timeout is only a backstop behind it
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(deadline.remaining().toMillis() + 1000);
    vertx.eventBus().<EnqueueResult>request(Addresses.ENQUEUE, new EnqueueRequest(intake.client, outgoing, deadline),
            options)
        .onComplete(result -> {
          intake.queued = (BitSet) intake.queuedBefore.clone();
          if (result.succeeded()) {
            EnqueueResult answer = result.result().body();
            for (int j = 0; j < sent.size(); j++) {
              if (answer.isAccepted(j)) {
                intake.queued.set(sent.get(j));
              } else if (answer.isUnknown(j)) {
                intake.unknown.set(sent.get(j));
              }
            }
            intake.failure = answer.failure();
            intake.refused = answer.refused();
          } else if (result.cause() instanceof ReplyException reply && reply.failureType() != ReplyFailure.TIMEOUT) {
            intake.failure = reply.getMessage(); // the publisher refused them (full): nothing was sent
          } else {
            sent.forEach(intake.unknown::set); // the publisher may have sent them: it did not say
            intake.failure = "the publisher did not answer in time";
          }
          int total = intake.writes.size();
          int accepted = intake.queued.cardinality();
          Tracing.end(span, total == 1 ? intake.writes.get(0).productId() : null, accepted == total,
              accepted == total ? null : intake.failure);
          journey(intake);
          metrics.accepted(intake.client, accepted);
          metrics.refused(intake.client, total - accepted);
          remember(intake, sent.size()).onComplete(done -> ctx.next());
        });
  }

  /**
   * A write as the publisher sends it: a create as before versions existed (a pack entry, or a one-product message);
   * any other write as a pack entry of the writes format, or unpacked as a pack of its own.
   */
  private EnqueueRequest.Outgoing outgoing(Write write, String traceparent, boolean resent) {
    String body;
    if (write.isCreate()) {
      Product product = write.asProduct();
      body = packing ? ProductMessages.coreEntry(product, resent) : ProductMessages.single(product);
    } else {
      body = packing ? ProductMessages.coreEntry(write, resent)
          : ProductMessages.pack(List.of(ProductMessages.entry(write, 0, 0, traceparent, resent)));
    }
    return new EnqueueRequest.Outgoing(write.writeId(), body, SqsLimits.utf8Length(body),
        Instants.format(write.stamp().acceptedAt()), traceparent);
  }

  /**
   * A keyed bulk request records which of its products are queued before it is answered, so that a retry re-sends
   * only the others. Failing to record costs nothing but re-sending (harmless), so the answer does not wait on it.
   */
  private Future<Void> remember(Intake intake, int sent) {
    if (intake.key == null || !intake.bulk || sent == 0 || intake.queued.equals(intake.queuedBefore)) {
      return Future.succeededFuture();
    }
    return keys.queued(scoped(intake.client, intake.key), intake.claim, intake.queued).recover(error -> {
      LOG.warn("could not record what a keyed bulk request queued (a retry re-sends all of it): {}", error.toString());
      return Future.succeededFuture();
    });
  }

  /** The answer: per product for a bulk request; 202, 503, 504 (outcome unknown) or 500 for one product. */
  public void answer(RoutingContext ctx) {
    Intake intake = intake(ctx);
    if (intake.bulk) {
      BulkAnswers.send(ctx, intake.writes, intake.queued, intake.unknown, intake.failure, intake.refused,
          intake.replayed());
      return;
    }
    Write write = intake.writes.get(0);
    if (intake.queued.get(0)) {
      if (intake.replayed()) {
        ctx.response().putHeader("Idempotent-Replayed", "true");
      }
      ctx.response().setStatusCode(202)
          .putHeader("Location", "/products/" + write.productId())
          .putHeader("Content-Type", "application/json")
          .end(BulkAnswers.accepted(write).toBuffer());
    } else if (intake.unknown.get(0)) {
      BulkAnswers.unknown(ctx, write, intake.key != null);
    } else if (intake.refused) {
      LOG.error("write {} of product {} refused by SQS: {}", write.writeId(), write.productId(), intake.failure);
      Problems.send(ctx, 500, "enqueue-refused", "Internal Server Error",
          "The queue refused the product; it was not accepted.");
    } else {
      Problems.unavailable(ctx, "The product could not be queued in time and was not accepted; retry later.");
    }
  }

  private static void journey(Intake intake) {
    if (!JOURNEY.isInfoEnabled()) {
      return;
    }
    for (int i = 0; i < intake.writes.size(); i++) {
      if (intake.queued.get(i)) {
        Write write = intake.writes.get(i);
        JOURNEY.atInfo().addKeyValue("event", "accepted").addKeyValue("productId", write.productId())
            .addKeyValue("writeId", write.writeId())
            .addKeyValue("op", write.isCreate() ? "create" : write.kind().name().toLowerCase(java.util.Locale.ROOT))
            .addKeyValue("version", write.stamp().version())
            .addKeyValue("traceId", intake.trace.traceId()).addKeyValue("spanId", intake.trace.spanId())
            .addKeyValue("requestId", intake.requestId).addKeyValue("client", intake.client)
            .addKeyValue("replayed", intake.replayed())
            .log("product accepted");
      }
    }
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
