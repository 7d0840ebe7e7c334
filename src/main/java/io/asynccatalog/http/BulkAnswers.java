package io.asynccatalog.http;

import io.asynccatalog.versions.Write;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.BitSet;
import java.util.List;

/**
 * The answers of the write routes. A bulk request is answered per product, in request order: {@code 202} when SQS
 * took all of them, {@code 207} when it took some (each item says which, and every item has its id, so that a retry
 * with the same Idempotency-Key queues the rest under the same ids; an item whose send was made and never answered
 * is {@code unknown}: SQS may have it), {@code 503} when it took none for sure.
 */
final class BulkAnswers {
  static final String NOT_ACCEPTED = "not-accepted";
  static final String UNKNOWN = "unknown";

  private BulkAnswers() {}

  static JsonObject accepted(Write write) {
    String location = "/products/" + write.productId();
    return new JsonObject().put("id", write.productId()).put("status", "accepted")
        .put("version", write.stamp().version()).put("location", location);
  }

  static void send(RoutingContext ctx, List<Write> products, BitSet queued, BitSet unknown, String failure,
                   boolean refused, boolean replayed) {
    int accepted = queued.cardinality();
    if (accepted == 0 && unknown.isEmpty()) {
      if (refused) {
        Problems.send(ctx, 500, "enqueue-refused", "Internal Server Error",
            "The queue refused the products; none was accepted.");
      } else {
        Problems.unavailable(ctx, "The products could not be queued in time; none was accepted. Retry later"
            + " (with the same Idempotency-Key to keep their ids).");
      }
      return;
    }
    JsonArray items = new JsonArray();
    for (int i = 0; i < products.size(); i++) {
      Write product = products.get(i);
      if (queued.get(i)) {
        items.add(accepted(product));
      } else if (unknown.get(i)) {
        items.add(new JsonObject().put("id", product.productId()).put("status", UNKNOWN)
            .put("version", product.stamp().version()).put("location", "/products/" + product.productId())
            .put("detail", "SQS did not answer in time: it may have queued this product. Retry the request with the"
                + " same Idempotency-Key (the product keeps this id and is stored once), or read its location later."));
      } else {
        items.add(new JsonObject().put("id", product.productId()).put("status", NOT_ACCEPTED)
            .put("version", product.stamp().version())
            .put("detail", "Not queued (" + (failure == null ? "SQS did not answer in time" : failure)
                + "); retry the request with the same Idempotency-Key to queue it under this id."));
      }
    }
    int status = accepted == products.size() ? 202 : 207;
    if (status == 207) {
      ctx.response().putHeader("Retry-After", "1");
    }
    if (replayed) {
      ctx.response().putHeader("Idempotent-Replayed", "true");
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("accepted", accepted).put("items", items).toBuffer());
  }

  /**
   * 504 for one product whose send to SQS was made and never answered: SQS may have it. The client learns the id it
   * would have, and that a retry is safe only with the same Idempotency-Key.
   */
  static void unknown(RoutingContext ctx, Write write, boolean keyed) {
    String location = "/products/" + write.productId();
    ctx.response().putHeader("Retry-After", "1").putHeader("Location", location);
    Problems.send(ctx, 504, "outcome-unknown", "Outcome Unknown", "SQS did not answer in time: the product may or "
        + "may not have been queued, under id " + write.productId() + ". " + (keyed
        ? "Retry with the same Idempotency-Key: it is stored once either way."
        : "Retry with an Idempotency-Key next time; retried without one it may be stored twice, so read "
            + location + " later to see whether it arrived."));
  }
}
