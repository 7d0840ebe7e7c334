package io.asynccatalog.bus;

import io.asynccatalog.domain.Product;

import java.util.List;
import java.util.Map;

/**
 * Products received together from the queue, to be stored together, with the trace context each one carried
 * (product id to W3C traceparent; absent for messages sent without one).
 */
public record SaveBatch(List<Product> products, Map<String, String> traces) {
  public SaveBatch {
    products = List.copyOf(products);
    traces = Map.copyOf(traces);
  }
}
