package io.asynccatalog.worker;

import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.queue.ProductQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes settled messages ten per DeleteMessageBatch across groups: a pack is a group of its own, so deleting each
 * group's messages at once would cost one call per message. Messages wait at most {@code lingerMs} for nine others;
 * ten waiting go at once. Naive mode (batching off) deletes each message with its own call, at once.
 */
final class DeleteBatcher {
  private static final Logger LOG = LoggerFactory.getLogger(DeleteBatcher.class);

  private final Vertx vertx;
  private final ProductQueue queue;
  private final boolean batching;
  private final long lingerMs;
  private final Duration callTimeout;
  private final CatalogMetrics metrics;
  private final List<Message> waiting = new ArrayList<>();
  private final List<Promise<Void>> waiters = new ArrayList<>();
  private long timer = -1;

  DeleteBatcher(Vertx vertx, ProductQueue queue, boolean batching, long lingerMs, Duration callTimeout,
                CatalogMetrics metrics) {
    this.vertx = vertx;
    this.callTimeout = callTimeout;
    this.queue = queue;
    this.batching = batching;
    this.lingerMs = lingerMs;
    this.metrics = metrics;
  }

  /** Completes once the messages are deleted, or SQS said it could not (they then come back: harmless). */
  Future<Void> delete(List<Message> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture();
    }
    if (!batching) {
      return settle(messages, queue.deleteEach(messages));
    }
    Promise<Void> done = Promise.promise();
    waiting.addAll(messages);
    waiters.add(done);
    if (waiting.size() >= ProductQueue.MAX_BATCH || lingerMs == 0) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(lingerMs, id -> {
        timer = -1;
        flush();
      });
    }
    return done.future();
  }

  /** Sends everything waiting now (on stop, so that nothing waits for the linger). */
  void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (waiting.isEmpty()) {
      return;
    }
    List<Message> messages = new ArrayList<>(waiting);
    List<Promise<Void>> promises = new ArrayList<>(waiters);
    waiting.clear();
    waiters.clear();
    settle(messages, queue.deleteBatch(messages, callTimeout)).onComplete(done -> promises.forEach(Promise::tryComplete));
  }

  private Future<Void> settle(List<Message> messages, Future<java.util.Set<String>> deleted) {
    return deleted.map(notDeleted -> {
      metrics.deleted(messages.size() - notDeleted.size());
      if (!notDeleted.isEmpty()) {
        LOG.warn("{} settled message(s) could not be deleted and will be redelivered (harmless)", notDeleted.size());
      }
      return (Void) null;
    }).recover(error -> {
      LOG.warn("deleting {} settled message(s) failed; they will be redelivered (harmless): {}", messages.size(),
          error.toString());
      return Future.succeededFuture();
    });
  }
}
