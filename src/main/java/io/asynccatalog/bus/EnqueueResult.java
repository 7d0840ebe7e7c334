package io.asynccatalog.bus;

import java.util.BitSet;

/**
 * What became of an {@link EnqueueRequest}: which products (by index) SQS acknowledged; for the others, why not,
 * and whether SQS refused them as malformed ({@code refused}: retrying cannot help) rather than being unavailable.
 */
public record EnqueueResult(int size, BitSet accepted, String failure, boolean refused) {
  public EnqueueResult {
    accepted = (BitSet) accepted.clone();
  }

  public int acceptedCount() {
    return accepted.cardinality();
  }

  public boolean allAccepted() {
    return acceptedCount() == size;
  }

  public boolean isAccepted(int index) {
    return accepted.get(index);
  }
}
