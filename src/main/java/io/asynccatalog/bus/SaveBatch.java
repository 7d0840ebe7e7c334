package io.asynccatalog.bus;

import io.asynccatalog.versions.Write;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes received together from the queue, to be stored together, with the trace context each one carried
 * (write id to W3C traceparent; absent for writes sent without one), the ids of those that may have been stored
 * before (delivered again, or re-published after a failure), and the deadline by which the saver answers: the
 * consumer waits for that answer, and the saver has nothing of the group left running once it has given it.
 */
public record SaveBatch(List<Write> writes, Map<String, String> traces, Set<String> again, Deadline deadline) {
  public SaveBatch {
    writes = List.copyOf(writes);
    traces = Map.copyOf(traces);
    again = Set.copyOf(again);
  }
}
