package io.asynccatalog.bus;

import io.asynccatalog.domain.Product;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Products received together from the queue, to be stored together, with the trace context each one carried
 * (product id to W3C traceparent; absent for products sent without one), and the ids of those that may have been
 * stored before: delivered again, or re-published after a failure.
 */
public record SaveBatch(List<Product> products, Map<String, String> traces, Set<String> again) {
  public SaveBatch {
    products = List.copyOf(products);
    traces = Map.copyOf(traces);
    again = Set.copyOf(again);
  }

  public SaveBatch(List<Product> products, Map<String, String> traces) {
    this(products, traces, Set.of());
  }
}
