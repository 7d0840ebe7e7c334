package io.asynccatalog.queue;

import io.asynccatalog.domain.Product;

/**
 * A product as a message carries it: the product, how many times it failed in earlier messages (a product
 * re-published from a pack carries its count with it), its W3C trace context (null when it has none), and whether it
 * was sent again without having failed (a client's keyed retry, a redrive), so it may be stored already.
 */
public record QueuedProduct(Product product, int attempts, String traceparent, boolean resent) {
  /** Whether it may have been stored before. */
  public boolean maybeStored() {
    return attempts > 0 || resent;
  }
}
