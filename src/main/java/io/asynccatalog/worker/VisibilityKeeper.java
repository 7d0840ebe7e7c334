package io.asynccatalog.worker;

import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.queue.ProductQueue;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the messages of one group hidden from other consumers from their receive until each is settled: deleted,
 * or handed on and then deleted, or hidden for a backoff. Every third of the visibility timeout, the messages still
 * kept are hidden for another whole timeout, each call given at most a third of it, so that a message always has
 * over a third of the timeout left; {@link #release} stops extending a message just before its delete or backoff
 * is asked for, which the settling calls' own deadline (the same third) makes sure comes in time.
 */
final class VisibilityKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(VisibilityKeeper.class);

  private final Vertx vertx;
  private final ProductQueue queue;
  private final int visibilitySeconds;
  private final Duration callTimeout;
  private final CatalogMetrics metrics;
  private final Map<Message, Integer> kept = new LinkedHashMap<>();
  private final long timer;

  /** {@code callTimeout}: the settling calls' deadline, at most a third of the visibility timeout. */
  VisibilityKeeper(Vertx vertx, ProductQueue queue, Duration visibility, Duration callTimeout,
                   CatalogMetrics metrics) {
    this.vertx = vertx;
    this.queue = queue;
    this.visibilitySeconds = (int) visibility.toSeconds();
    this.callTimeout = callTimeout;
    this.metrics = metrics;
    this.timer = vertx.setPeriodic(Math.max(200, visibility.toMillis() / 3), id -> extend());
  }

  /** The settling calls' deadline: a third of the visibility timeout, or the call timeout if shorter. */
  static Duration settleCallTimeout(Duration visibility, Duration callTimeout) {
    Duration third = visibility.dividedBy(3);
    return third.compareTo(callTimeout) < 0 ? third : callTimeout;
  }

  void keep(Message message) {
    kept.put(message, visibilitySeconds);
  }

  /** No more extensions of this message: it is about to be deleted or hidden for a backoff. */
  void release(Message message) {
    kept.remove(message);
  }

  void stop() {
    vertx.cancelTimer(timer);
    kept.clear();
  }

  private void extend() {
    if (kept.isEmpty()) {
      return;
    }
    Map<Message, Integer> extension = new LinkedHashMap<>(kept);
    queue.changeVisibility(extension, callTimeout).onSuccess(failed -> {
      if (!failed.isEmpty()) {
        // it may be received by another consumer; whatever both do is idempotent, only wasted
        metrics.visibilityFailures(failed.size());
        LOG.warn("SQS did not extend the visibility of {} message(s) still being stored", failed.size());
      }
    });
  }
}
