package io.asynccatalog.http;

import io.asynccatalog.clients.ClientLimiter;
import io.asynccatalog.clients.RateLimits;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.domain.StoredProduct;
import io.asynccatalog.domain.WriteParser;
import io.asynccatalog.store.ProductStore;
import io.asynccatalog.store.ReportBucket;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/** The read side of the product API: a stored product, its report, a page of products. */
public final class ProductRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ProductRoutes.class);
  private static final String ID_SCHEMA = "/components/schemas/ProductId";
  private static final String LIMIT_SCHEMA = "/paths/~1products/get/parameters/0/schema";
  private static final String CURSOR_SCHEMA = "/paths/~1products/get/parameters/1/schema";

  private final ProductStore store;
  private final ReportBucket reports;
  private final Parameters parameters;
  private final ClientLimiter limiter;

  /** {@code limiter}: a page of the list costs its limit in the client's products per second, as a scan reads that many. */
  public ProductRoutes(ProductStore store, ReportBucket reports, Parameters parameters, ClientLimiter limiter) {
    this.store = store;
    this.reports = reports;
    this.parameters = parameters;
    this.limiter = limiter;
  }

  public void get(RoutingContext ctx) {
    String id = productId(ctx);
    if (id == null) {
      return;
    }
    store.get(id).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("reading product {} failed: {}", id, result.cause().toString());
        Problems.unavailable(ctx, "The product store is not reachable; retry later.");
      } else if (result.result().isEmpty()) {
        notFound(ctx, id);
      } else {
        StoredProduct stored = result.result().get();
        ctx.response().putHeader("ETag", stored.etag());
        String match = ctx.request().getHeader("If-None-Match");
        if (match != null && (match.trim().equals("*") || java.util.Arrays.stream(match.split(","))
            .map(String::trim).anyMatch(tag -> tag.equals(stored.etag()) || tag.equals("W/" + stored.etag())))) {
          ctx.response().setStatusCode(304).end();
          return;
        }
        ctx.response().putHeader("Content-Type", "application/json").end(ProductJson.toApi(stored).toBuffer());
      }
    });
  }

  public void report(RoutingContext ctx) {
    String id = productId(ctx);
    if (id == null) {
      return;
    }
    store.get(id)
        .compose(stored -> stored.isEmpty()
            ? Future.succeededFuture(Optional.<Buffer>empty())
            : reports.get(stored.get().report()))
        .onComplete(result -> {
          if (result.failed()) {
            LOG.warn("report of {} failed: {}", id, result.cause().toString());
            Problems.unavailable(ctx, "The report store is not reachable; retry later.");
          } else if (result.result().isEmpty()) {
            Problems.send(ctx, 404, "report-not-found", "Not Found",
                "No report for product " + id + " yet: a product is readable as soon as its item is stored, and its"
                    + " report is written just after (a failed write is retried until it is there).");
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
    String client = ApiKeys.client(ctx);
    ClientLimiter.Decision decision = limiter.take(client, limit);
    if (decision != null) {
      RateLimited.headers(ctx, decision);
      if (!decision.allowed()) {
        RateLimits.Limit rate = decision.limit();
        if (!decision.tooLarge()) {
          ctx.response().putHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
        }
        Problems.send(ctx, 429, decision.tooLarge() ? "rate-limit-burst-exceeded" : "rate-limited",
            "Too Many Requests", "A page of " + limit + " counts as " + limit + " products against the limit of client '"
                + client + "' (" + rate.perSecond() + " products/s, bursts of " + rate.burst() + "); " + (decision.tooLarge()
                ? "ask for at most " + rate.burst() + " per page." : "retry after " + decision.retryAfterSeconds()
                + " s, or ask for smaller pages."));
        return;
      }
    }
    store.page(limit, after).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("listing products failed: {}", result.cause().toString());
        Problems.unavailable(ctx, "The product store is not reachable; retry later.");
        return;
      }
      JsonArray items = new JsonArray();
      result.result().products().forEach(p -> items.add(ProductJson.toApi(p)));
      String next = result.result().lastId() == null ? null : Cursors.encode(result.result().lastId());
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("items", items).put("next", next).toBuffer());
    });
  }

  /** The id in the path, or the id of the sku in the path; null once it has answered 400. */
  private String productId(RoutingContext ctx) {
    String sku = ctx.pathParam("sku");
    if (sku != null) {
      if (!WriteParser.validSku(sku)) {
        Parameters.bad(ctx, "sku", "must be 1 to 64 characters, not blank, without control characters");
        return null;
      }
      return ProductIds.forSku(sku.strip());
    }
    return parameters.text(ctx, "id", ctx.pathParam("id"), ID_SCHEMA, null);
  }

  private static void notFound(RoutingContext ctx, String id) {
    String sku = ctx.pathParam("sku");
    Problems.send(ctx, 404, "product-not-found", "Not Found", (sku != null ? "No stored product with sku '" + sku
        + "' (id " + id + ")" : "No stored product " + id) + ". An accepted product is readable once a worker has "
        + "stored it; a deleted one is not found.");
  }

}
