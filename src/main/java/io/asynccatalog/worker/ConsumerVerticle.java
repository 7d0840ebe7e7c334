package io.asynccatalog.worker;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.SaveBatch;
import io.asynccatalog.bus.SaveOutcome;
import io.asynccatalog.config.CatalogConfig.WorkerConfig;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.queue.ProductQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * Drains the product queue: long polls of up to ten messages, one save request per received batch, one
 * DeleteMessageBatch for what was fully stored. A message is deleted only after its item and its report are both
 * written; anything else stays in the queue and comes back after the visibility timeout. A poller receives again
 * only when the in-flight bound leaves room for a full batch.
 */
public final class ConsumerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);
  private static final long MAX_BACKOFF_MS = 20_000;

  private final ProductQueue queue;
  private final WorkerConfig config;
  private final Duration callTimeout;
  private final Set<CompletableFuture<List<Message>>> polls = new HashSet<>();
  private int inFlight;
  private int parkedPollers;
  private long backoffMs;
  private boolean running;
  private Promise<Void> stopped;

  public ConsumerVerticle(ProductQueue queue, WorkerConfig config, Duration callTimeout) {
    this.queue = queue;
    this.config = config;
    this.callTimeout = callTimeout;
  }

  @Override
  public Future<?> start() {
    running = true;
    for (int i = 0; i < config.pollersPerConsumer(); i++) {
      poll();
    }
    return Future.succeededFuture();
  }

  /** Stops receiving (pending polls are cancelled; SQS makes their messages visible again), finishes in-flight work. */
  @Override
  public Future<?> stop() {
    running = false;
    stopped = Promise.promise();
    new ArrayList<>(polls).forEach(poll -> poll.cancel(true));
    checkStopped();
    return stopped.future();
  }

  private void poll() {
    if (!running) {
      return;
    }
    if (inFlight + ProductQueue.MAX_BATCH > config.maxInFlightPerConsumer()) {
      parkedPollers++; // resumed by finish() when work completes
      return;
    }
    CompletableFuture<List<Message>> poll = queue.receive(ProductQueue.MAX_BATCH, config.waitSeconds(), callTimeout);
    polls.add(poll);
    AwsFutures.bridge(poll).onComplete(result -> {
      polls.remove(poll);
      if (result.succeeded()) {
        backoffMs = 0;
        process(result.result());
        poll();
        checkStopped();
      } else if (running && !(result.cause() instanceof CancellationException)) {
        backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(250, backoffMs * 2));
        LOG.warn("ReceiveMessage failed, retrying in {} ms: {}", backoffMs, result.cause().toString());
        vertx.setTimer(backoffMs, id -> poll());
      } else {
        checkStopped();
      }
    });
  }

  private void process(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<Message> valid = new ArrayList<>(messages.size());
    List<Product> products = new ArrayList<>(messages.size());
    for (Message message : messages) {
      try {
        products.add(ProductJson.fromMessage(message.body()));
        valid.add(message);
      } catch (IllegalArgumentException e) {
        // retrying cannot fix a message that is not a product: straight to the dead-letter queue
        LOG.warn("message {} is not a product, moving it to the dead-letter queue: {}", message.messageId(),
            e.getMessage());
        queue.deadLetter(message, e.getMessage())
            .onFailure(error -> LOG.warn("could not dead-letter message {}: {}", message.messageId(), error.toString()));
      }
    }
    if (valid.isEmpty()) {
      return;
    }
    inFlight += valid.size();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.saveTimeout().toMillis());
    vertx.eventBus().<SaveOutcome>request(Addresses.SAVE, new SaveBatch(products), options)
        .compose(reply -> deleteStored(valid, products, reply.body()))
        .onFailure(error -> LOG.warn("batch of {} not stored, left for redelivery: {}", valid.size(), error.toString()))
        .onComplete(done -> finish(valid.size()));
  }

  private Future<Void> deleteStored(List<Message> messages, List<Product> products, SaveOutcome outcome) {
    List<Message> done = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      if (outcome.stored().contains(products.get(i).id())) {
        done.add(messages.get(i));
      }
    }
    if (!outcome.failed().isEmpty()) {
      LOG.warn("{} product(s) not stored, left for redelivery: {}", outcome.failed().size(), outcome.failed());
    }
    return queue.deleteBatch(done).map(notDeleted -> {
      if (!notDeleted.isEmpty()) {
        LOG.warn("{} stored message(s) could not be deleted and will be redelivered (harmless)", notDeleted.size());
      }
      return null;
    });
  }

  private void finish(int count) {
    inFlight -= count;
    while (parkedPollers > 0 && inFlight + ProductQueue.MAX_BATCH <= config.maxInFlightPerConsumer()) {
      parkedPollers--;
      poll();
    }
    checkStopped();
  }

  private void checkStopped() {
    if (stopped != null && polls.isEmpty() && inFlight == 0) {
      stopped.tryComplete();
    }
  }
}
