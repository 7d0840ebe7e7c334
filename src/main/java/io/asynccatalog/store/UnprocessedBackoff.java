package io.asynccatalog.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before sending again what a store left unprocessed (DynamoDB's {@code UnprocessedItems}): the
 * exponential backoff with full jitter that AWS recommends for it and that the SDK uses for throttling, from 50 ms,
 * doubling, at most 20 s (the SDK's own cap). Full jitter spreads the retries of many savers hitting one hot
 * partition; the save's deadline, not a count, ends the retries.
 */
final class UnprocessedBackoff {
  static final long BASE_MILLIS = 50;
  static final long MAX_MILLIS = 20_000;
  /** Retries of what was left unprocessed (or throttled statements) within one save, the deadline permitting. */
  static final int RETRIES = 4;
  /** Less time than this left before the deadline: no call is started, its answer would come too late. */
  static final long MIN_CALL_MILLIS = 50;

  private UnprocessedBackoff() {}

  /** Milliseconds to wait before retry number {@code attempt + 1} (0 for the first retry). */
  static long delayMillis(int attempt) {
    long ceiling = Math.min(MAX_MILLIS, BASE_MILLIS << Math.min(attempt, 20));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }
}
