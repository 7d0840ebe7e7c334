package io.asynccatalog.worker;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failed message stays hidden before its next attempt: exponential in its receive count, capped, with
 * "equal jitter" (half fixed, half random) so that products failing together do not come back together.
 */
public record RetryBackoff(int baseSeconds, int maxSeconds) {
  /** SQS's own limit on a visibility timeout. */
  public static final int SQS_MAX_SECONDS = 43_200;

  /** Seconds to hide a message that failed on its {@code receiveCount}-th receive (1 for the first). */
  public int delaySeconds(int receiveCount) {
    if (baseSeconds == 0) {
      return 0;
    }
    long exponential = (long) baseSeconds << Math.min(30, Math.max(0, receiveCount - 1));
    int capped = (int) Math.min(Math.min(maxSeconds, SQS_MAX_SECONDS), exponential);
    int half = capped / 2;
    return half + ThreadLocalRandom.current().nextInt(capped - half + 1);
  }
}
