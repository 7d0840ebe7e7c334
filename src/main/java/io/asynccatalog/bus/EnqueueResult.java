package io.asynccatalog.bus;

import java.util.BitSet;

/**
 * What became of an {@link EnqueueRequest}: which products (by index) SQS acknowledged, which may or may not be on
 * the queue ({@code unknown}: their send was made and its answer never came); for the others, why not, and whether
 * SQS refused them as malformed ({@code refused}: retrying cannot help) rather than being unavailable.
 */
public record EnqueueResult(int size, BitSet accepted, BitSet unknown, String failure, boolean refused) {
  public EnqueueResult {
    accepted = (BitSet) accepted.clone();
    unknown = (BitSet) unknown.clone();
  }

  public boolean isUnknown(int index) {
    return unknown.get(index);
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
