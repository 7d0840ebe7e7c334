package io.asynccatalog.bus;

import java.util.List;

/**
 * Products of one request to put on the queue, in request order, each already in the form it travels in, the
 * client that sent them (the publisher keeps each client to its share of the products waiting), and the request's
 * deadline, by which the publisher answers: a product not sent by then is not sent at all.
 */
public record EnqueueRequest(String client, List<Outgoing> products, Deadline deadline) {
  public EnqueueRequest {
    products = List.copyOf(products);
  }

  /**
   * One product as the publisher sends it: when packing, a pack entry without its acceptance time and trace context
   * (which the pack states once for the entries that share them); else a whole one-product message body, its trace
   * context a message attribute. {@code bytes} is the UTF-8 length of {@code body}.
   */
  public record Outgoing(String id, String body, int bytes, String createdAt, String traceparent) {}
}
