package io.asynccatalog.http;

import io.asynccatalog.config.CatalogConfig.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The public HTTP API: routes, body limits, problem+json for every error. One instance per event loop. */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final HttpConfig config;
  private final Supplier<HttpServices> services;
  private final long shutdownGraceMs;
  private HttpServer server;

  public HttpVerticle(HttpConfig config, Supplier<HttpServices> services, long shutdownGraceMs) {
    this.config = config;
    this.services = services;
    this.shutdownGraceMs = shutdownGraceMs;
  }

  @Override
  public Future<?> start() {
    // HTTP/2 over cleartext (prior knowledge or Upgrade: h2c), opt-in: an ingestion client can then multiplex its
    // POSTs on one connection, each connection with this many requests open at once. Off by default because the JDK
    // client's upgrade fails now and then when the upgraded request's answer spans more than one HTTP/2 frame
    HttpServerOptions options = new HttpServerOptions().setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(config.http2Cleartext())
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(config.http2MaxConcurrentStreams()));
    server = vertx.createHttpServer(options)
        .requestHandler(router())
        .invalidRequestHandler(HttpVerticle::invalidRequest);
    return server.listen(config.port(), config.host());
  }

  /** Stops accepting connections and lets in-flight requests finish within the grace period. */
  @Override
  public Future<?> stop() {
    return server.shutdown(shutdownGraceMs, TimeUnit.MILLISECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private Router router() {
    HttpServices http = services.get();
    ProductRoutes products = http.products();
    IngestRoutes ingest = http.ingest();
    Router router = Router.router(vertx);
    if (config.accessLog()) {
      router.route().handler(new AccessLog());
    }
    router.route().handler(new RequestTrace());
    // one deadline per request: a stalled or trickling request, or a slow step, is cut with a 408, unless its
    // products are being queued (the publisher then answers within what is left)
    router.route("/products*").handler(new RequestDeadline(vertx, Duration.ofMillis(config.requestTimeoutMs())));
    write(router, HttpMethod.POST, "/products", config.maxBodyBytes(), ingest::parseOne, http);
    write(router, HttpMethod.POST, "/products/batch", config.batchMaxBodyBytes(), ingest::parseBatch, http);
    for (String path : new String[] {"/products/sku/:sku", "/products/:id"}) {
      write(router, HttpMethod.PUT, path, config.maxBodyBytes(), ingest::parseReplace, http);
      write(router, HttpMethod.PATCH, path, config.maxBodyBytes(), ingest::parsePatch, http);
      write(router, HttpMethod.DELETE, path, config.maxBodyBytes(), ingest::parseDelete, http);
    }
    // reads take the client's key too when CATALOG_AUTH_READS asks for it
    Handler<RoutingContext> readKeys = config.readKeys() ? http.apiKeys() : RoutingContext::next;
    router.get("/products").handler(readKeys).handler(products::list);
    router.get("/products/sku/:sku").handler(readKeys).handler(products::get);
    router.get("/products/:id").handler(readKeys).handler(products::get);
    router.get("/products/:id/report").handler(readKeys).handler(products::report);
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(http.contract().json()));
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
        .end(http.contract().yaml()));
    HealthRoutes.install(vertx, router, http.readiness(), http.dependencies());
    DocsRoutes.install(router);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(http.registryName()));
    AdminRoutes.install(router, http.apiKeys(), http.deadLetters());
    installErrorHandlers(router, new AllowedMethods(http.contract()));
    return router;
  }

  /**
   * A write route, as its steps: the query, the key, admission (readiness, the Idempotency-Key, a client with
   * products left) and the type before the body is read; the body, bounded while it is read and again while it is
   * inflated when it comes gzipped; then parsing, the rate limit, the key's claim, the queue and the answer.
   */
  private void write(Router router, HttpMethod method, String path, int limit, Handler<RoutingContext> parse,
                     HttpServices http) {
    IngestRoutes ingest = http.ingest();
    boolean body = method != HttpMethod.DELETE;
    router.route(method, path)
        // the write routes take no query parameters, but one that cannot be decoded is bad input all the same: a 400
        .handler(ctx -> {
          ctx.queryParams();
          ctx.next();
        })
        .handler(http.apiKeys())
        .handler(ingest::admit)
        .handler(body ? this::requireJson : RoutingContext::next);
    router.route(method, path) // a route of its own: Vert.x Web wants the body handler first on a route
        .handler(BodyHandler.create(false).setBodyLimit(limit))
        .handler(new RequestBodies(limit))
        .handler(parse)
        .handler(ingest::limit)
        .handler(ingest::claim)
        .handler(ingest::enqueue)
        .handler(ingest::answer);
  }

  private void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"))) {
      ctx.next();
    } else {
      Problems.send(ctx, 415, "unsupported-media-type", "Unsupported Media Type",
          "Send the product(s) as JSON with 'Content-Type: application/json'"
              + (type == null ? "." : ", not '" + type + "'."));
    }
  }

  private void installErrorHandlers(Router router, AllowedMethods allowed) {
    // what the router itself refuses before any route runs: a path or query that cannot be decoded
    router.errorHandler(400, ctx -> Problems.send(ctx, 400, "bad-request", "Bad Request",
        "The request could not be decoded: check the percent-encoding of its path and query string."));
    router.errorHandler(404, ctx -> Problems.send(ctx, 404, "not-found", "Not Found",
        "There is no resource at " + ctx.request().path() + "."));
    router.errorHandler(405, ctx -> {
      String methods = allowed.forPath(ctx.request().path());
      if (methods != null) {
        ctx.response().putHeader("Allow", methods);
      }
      Problems.send(ctx, 405, "method-not-allowed", "Method Not Allowed",
          ctx.request().method() + " is not supported here" + (methods == null ? "." : "; use " + methods + "."));
    });
    router.errorHandler(406, ctx -> Problems.send(ctx, 406, "not-acceptable", "Not Acceptable",
        "This resource is available as " + (ctx.request().path().equals("/") ? "text/html or application/json"
            : "its documented media type") + "; the Accept header allows neither."));
    router.errorHandler(408, ctx -> {
      ctx.response().putHeader("Connection", "close");
      Problems.send(ctx, 408, "request-timeout", "Request Timeout",
          "The request was not complete within " + config.requestTimeoutMs() + " ms.");
    });
    router.errorHandler(413, ctx -> Problems.send(ctx, 413, "body-too-large", "Content Too Large",
        "The request body is larger than " + (ctx.request().path().endsWith("/batch") ? config.batchMaxBodyBytes()
            : config.maxBodyBytes()) + " bytes."));
    router.errorHandler(500, ctx -> {
      LOG.error("unhandled error on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      Problems.send(ctx, 500, "internal", "Internal Server Error", "The request failed unexpectedly.");
    });
  }

  /**
   * Requests Netty could not even decode (headers too large, a URI too long, broken HTTP) get a problem too,
   * and the connection is closed: what follows on it cannot be trusted.
   */
  private static void invalidRequest(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    int status = cause instanceof TooLongHttpHeaderException ? 431
        : cause instanceof TooLongHttpLineException ? 414 : 400;
    String title = status == 431 ? "Request Header Fields Too Large" : status == 414 ? "URI Too Long" : "Bad Request";
    JsonObject body = new JsonObject().put("type", "urn:asynccatalog:problem:malformed-request").put("title", title)
        .put("status", status).put("detail", "The HTTP request could not be read.");
    request.response().setStatusCode(status).putHeader("Content-Type", Problems.CONTENT_TYPE)
        .putHeader("Connection", "close").end(body.toBuffer()).onComplete(v -> request.connection().close());
  }
}
