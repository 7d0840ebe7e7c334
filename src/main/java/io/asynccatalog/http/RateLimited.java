package io.asynccatalog.http;

import io.asynccatalog.clients.ClientLimiter;
import io.asynccatalog.clients.RateLimits;
import io.asynccatalog.metrics.CatalogMetrics;
import io.vertx.ext.web.RoutingContext;

/** The answers of a rate-limited client: the RateLimit header fields on every answer, and the 429 problems. */
final class RateLimited {
  private RateLimited() {}

  static void headers(RoutingContext ctx, ClientLimiter.Decision decision) {
    ctx.response().putHeader("RateLimit-Policy", decision.policyHeader())
        .putHeader("RateLimit", decision.stateHeader());
  }

  /**
   * A 429 for a request of {@code products} over the client's limit; 0 products: the client had none left, and the
   * request was refused before its body was read.
   */
  static void answer(RoutingContext ctx, String client, ClientLimiter.Decision decision, int products,
                     CatalogMetrics metrics) {
    headers(ctx, decision);
    metrics.rateLimited(client, products);
    RateLimits.Limit limit = decision.limit();
    String unit = products == 1 ? " product" : " products";
    if (decision.tooLarge()) {
      Problems.send(ctx, 429, "rate-limit-burst-exceeded", "Too Many Requests",
          "This request has " + products + unit + ", more than client '" + client + "' may send at once (a burst of "
              + limit.burst() + " at " + limit.perSecond() + " products/s); send at most " + limit.burst()
              + " per request. Nothing was queued.");
      return;
    }
    ctx.response().putHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
    String request = products == 0 ? "it has no product left, so this request was not read"
        : "this request of " + products + unit + " is over what is left (" + decision.remaining() + ")";
    Problems.send(ctx, 429, "rate-limited", "Too Many Requests",
        "Client '" + client + "' may send " + limit.perSecond() + " products/s (bursts of " + limit.burst()
            + "); " + request + ". Nothing was queued; retry after " + decision.retryAfterSeconds() + " s.");
  }
}
