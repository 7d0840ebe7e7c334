package io.asynccatalog.bus;

import io.asynccatalog.domain.Product;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Products received together from the queue, to be stored together, with the trace context each one carried
 * (product id to W3C traceparent; absent for products sent without one), the ids of those that may have been
 * stored before (delivered again, or re-published after a failure), and the deadline by which the saver answers:
 * the consumer waits for that answer, and the saver has nothing of the group left running once it has given it.
 */
public record SaveBatch(List<Product> products, Map<String, String> traces, Set<String> again, Deadline deadline) {
  public SaveBatch {
    products = List.copyOf(products);
    traces = Map.copyOf(traces);
    again = Set.copyOf(again);
  }
}
