package io.asynccatalog.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for asynchronous work by polling a condition until a deadline: never a fixed sleep. */
public final class Poll {
  private Poll() {}

  public static void until(Duration timeout, String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 5;
    while (!Boolean.TRUE.equals(condition.get())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(pause);
      pause = Math.min(200, pause * 2);
    }
  }
}
