package io.asynccatalog.metrics;

import io.asynccatalog.queue.ProductQueue;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.time.Duration;

/** Polls the approximate depth of the product queue and the dead-letter queue for the gauges. */
public final class QueueDepthPoller extends VerticleBase {
  private final ProductQueue queue;
  private final CatalogMetrics metrics;
  private final Duration period;
  private long timer = -1;

  public QueueDepthPoller(ProductQueue queue, CatalogMetrics metrics, Duration period) {
    this.queue = queue;
    this.metrics = metrics;
    this.period = period;
  }

  @Override
  public Future<?> start() {
    if (!period.isZero()) {
      poll();
      timer = vertx.setPeriodic(period.toMillis(), id -> poll());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void poll() {
    Future.all(queue.depth(queue.queueUrl()), queue.depth(queue.dlqUrl())).onSuccess(depths -> {
      java.util.Map<String, Integer> main = depths.resultAt(0);
      java.util.Map<String, Integer> dlq = depths.resultAt(1);
      metrics.queueDepth(main.get("visible") + main.get("inFlight"), dlq.get("visible") + dlq.get("inFlight"));
    });
  }
}
