package io.asynccatalog.store;

import io.vertx.core.Future;

import java.time.Instant;
import java.util.BitSet;
import java.util.List;

/**
 * Client idempotency keys, kept where every instance sees them. The first request with a key claims it with the ids
 * of its writes (a create's is its product's id) and their acceptance time, from which their versions follow; a
 * repeat within the window gets them back, so that the same writes are queued under the same ids and versions, and,
 * once known, which of them SQS had already taken.
 */
public interface IdempotencyStore {

  /**
   * A key's record. {@code first} is true when this request claimed the key; otherwise the fields are those of the
   * earlier request: the hash of its body, its products' acceptance time and ids in request order, and which of them
   * were queued ({@code null}: not known, so all of them are sent again, which is harmless).
   */
  record Claim(boolean first, String requestHash, Instant createdAt, List<String> ids, BitSet queued) {}

  /**
   * Claims {@code key} for the writes {@code ids} accepted at {@code createdAt}, or returns the earlier claim.
   * {@code legacyMessage}: for the create of one product, its message of the first format, which the records of
   * versions before bulk requests held (so that an instance of such a version can still read a new record).
   */
  Future<Claim> claim(String key, String requestHash, List<String> ids, Instant createdAt, String legacyMessage);

  /** Records which products of a claim SQS has taken, so that a retry re-sends only the others. */
  Future<Void> queued(String key, Claim claim, BitSet queued);
}
