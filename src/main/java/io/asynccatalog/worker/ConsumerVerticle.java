package io.asynccatalog.worker;

import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.SaveBatch;
import io.asynccatalog.bus.SaveOutcome;
import io.asynccatalog.config.CatalogConfig.WorkerConfig;
import io.asynccatalog.domain.Product;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.queue.QueuedProduct;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.queue.ProductQueue;
import io.asynccatalog.queue.ProductQueue.PendingReceive;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drains the product queue: long polls of up to ten messages (one product each, or packs of several), unpacked and
 * gathered into groups of about {@code saveBatch} products (whole messages of several receives, a partial group
 * waiting at most {@code saveLingerMs}), one save request per group, then each message settled product by product
 * ({@link Settler}): deleted once every product in it is stored or handed on. A message that is not a product at
 * all goes to the dead-letter queue at once. While a group is being stored its visibility is extended, so a slow
 * store never lets a second consumer take the same messages. A poller receives only while fewer than
 * {@code maxInFlightPerConsumer} products are being stored and the store and bucket both work ({@link StoreGate}:
 * receiving during an outage would use up the tries that send a message to the dead-letter queue).
 *
 * <p>Calls per product: without a backlog, every waiting long poll takes the next message alone, so a poller whose
 * receive came back part full pauses {@code receivePauseMs} before the next (several messages gather in SQS), and
 * groups gather several receives (BatchWriteItem calls of 25, one batched report and a delete per ten messages).
 * Under a backlog receives come back full and neither waits.
 */
public final class ConsumerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);
  private static final long MAX_POLL_BACKOFF_MS = 5_000;
  private static final long PAUSED_CHECK_MS = 500;

  private final ProductQueue queue;
  private final StoreGate gate;
  private final WorkerConfig config;
  private final Duration visibility;
  private final Duration callTimeout;
  private final int maxReceiveCount;
  private Settler settler;
  private DeleteBatcher deletes;
  private final CatalogMetrics metrics;
  private final Set<PendingReceive> polls = new HashSet<>();
  private Group group;
  private long lingerTimer = -1;
  private int inFlight;
  private int parkedPollers;
  private long pollBackoffMs;
  private boolean running;
  private Promise<Void> stopped;

  public ConsumerVerticle(ProductQueue queue, StoreGate gate, WorkerConfig config, Duration visibility,
                          int maxReceiveCount, Duration callTimeout, CatalogMetrics metrics) {
    this.metrics = metrics;
    this.queue = queue;
    this.gate = gate;
    this.config = config;
    this.visibility = visibility;
    this.callTimeout = callTimeout;
    this.maxReceiveCount = maxReceiveCount;
  }

  @Override
  public Future<?> start() {
    deletes = new DeleteBatcher(vertx, queue, config.batching(), config.deleteLingerMs(), metrics);
    settler = new Settler(queue, deletes, new RetryBackoff(config.retryBaseSeconds(), config.retryMaxSeconds()),
        maxReceiveCount, metrics);
    running = true;
    for (int i = 0; i < config.pollersPerConsumer(); i++) {
      poll();
    }
    return Future.succeededFuture();
  }

  /** Stops receiving (pending polls are cancelled; SQS shows their messages again), finishes in-flight work. */
  @Override
  public Future<?> stop() {
    running = false;
    stopped = Promise.promise();
    new ArrayList<>(polls).forEach(poll -> poll.call().cancel(true));
    flush(); // what was received is stored now, not after the linger
    deletes.flush();
    checkStopped();
    return stopped.future();
  }

  private void poll() {
    if (!running) {
      return;
    }
    if (inFlight >= config.maxInFlightPerConsumer()) {
      parkedPollers++; // resumed by finish() when work completes
      return;
    }
    if (!gate.open()) {
      gate.probe(); // the store is tried with a cheap read, never with products: each receive uses up a try
      vertx.setTimer(PAUSED_CHECK_MS, id -> poll()); // the messages stay in SQS until the store is back
      return;
    }
    PendingReceive poll = queue.receive(config.receiveBatch(), config.waitSeconds(), visibility, callTimeout);
    polls.add(poll);
    poll.messages().onComplete(result -> {
      polls.remove(poll);
      if (result.succeeded()) {
        pollBackoffMs = 0;
        List<Message> messages = result.result();
        process(messages);
        if (messages.size() < config.receiveBatch() && config.receivePauseMs() > 0) {
          // no backlog: each waiting long poll would take the next message alone; pausing lets several gather
          vertx.setTimer(config.receivePauseMs(), id -> poll());
        } else {
          poll();
        }
      } else if (running) {
        pollBackoffMs = Math.min(MAX_POLL_BACKOFF_MS, Math.max(250, pollBackoffMs * 2));
        LOG.warn("ReceiveMessage failed, retrying in {} ms: {}", pollBackoffMs, result.cause().toString());
        vertx.setTimer(pollBackoffMs, id -> poll());
      }
      checkStopped();
    });
  }

  private void process(List<Message> messages) {
    metrics.received(messages.size());
    for (Message message : messages) {
      ProductMessages.Contents contents;
      try {
        contents = ProductMessages.read(message);
      } catch (IllegalArgumentException e) {
        // retrying cannot fix a message that is not a product: straight to the dead-letter queue
        LOG.warn("message {} is not a product, moving it to the dead-letter queue: {}", message.messageId(),
            e.getMessage());
        queue.deadLetter(message, e.getMessage())
            .onSuccess(v -> metrics.deadLettered(1))
            .onFailure(error -> LOG.warn("could not dead-letter message {}: {}", message.messageId(), error.toString()))
            .onComplete(v -> metrics.settled(1));
        continue;
      }
      if (group == null) {
        group = new Group();
      }
      group.add(new Settler.Received(message, contents));
      inFlight += contents.size();
      metrics.productsReceived(contents.size());
      if (group.size >= config.saveBatch()) {
        flush();
      }
    }
    if (group != null && lingerTimer < 0) {
      // a third of the visibility timeout at most: the group's visibility is only extended once it is being stored
      long linger = Math.min(config.saveLingerMs(), visibility.toMillis() / 3);
      if (linger == 0 || !running) {
        flush();
      } else {
        lingerTimer = vertx.setTimer(linger, id -> {
          lingerTimer = -1;
          flush();
        });
      }
    }
  }

  /** Sends the group being gathered to the savers, and settles each of its messages by the outcome. */
  private void flush() {
    if (lingerTimer >= 0) {
      vertx.cancelTimer(lingerTimer);
      lingerTimer = -1;
    }
    if (group == null) {
      return;
    }
    Group saving = group;
    group = null;
    List<Message> messages = saving.received.stream().map(Settler.Received::message).toList();
    VisibilityKeeper keeper = new VisibilityKeeper(messages);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.saveTimeout().toMillis());
    vertx.eventBus().<SaveOutcome>request(Addresses.SAVE, new SaveBatch(saving.products, saving.traces, saving.again),
            options)
        .map(reply -> reply.body())
        .otherwise(error -> SaveOutcome.allFailed(ids(saving.products), "not stored: " + error.getMessage()))
        .compose(outcome -> {
          keeper.stop();
          return settler.settle(saving.received, outcome);
        })
        .onFailure(error -> LOG.warn("settling a group of {} message(s) failed; SQS will redeliver: {}",
            messages.size(), error.toString()))
        .onComplete(done -> finish(saving.size, messages.size()));
  }

  private static Set<String> ids(List<Product> products) {
    Set<String> ids = new HashSet<>();
    products.forEach(p -> ids.add(p.id()));
    return ids;
  }

  private void finish(int products, int messages) {
    inFlight -= products;
    metrics.settled(messages);
    while (parkedPollers > 0 && inFlight < config.maxInFlightPerConsumer()) {
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

  /** Messages received and not yet sent to the savers, with their products and trace contexts. */
  private static final class Group {
    final List<Settler.Received> received = new ArrayList<>();
    final List<Product> products = new ArrayList<>();
    final Map<String, String> traces = new HashMap<>();
    final Set<String> again = new HashSet<>();
    int size;

    void add(Settler.Received message) {
      received.add(message);
      size += message.contents().size();
      boolean redelivered = message.receiveCount() > 1;
      for (QueuedProduct queued : message.contents().products()) {
        products.add(queued.product());
        if (queued.traceparent() != null) {
          traces.put(queued.product().id(), queued.traceparent());
        }
        if (redelivered || queued.maybeStored()) {
          again.add(queued.product().id());
        }
      }
    }
  }

  /**
   * Extends the visibility of a batch while it is being stored: at two thirds of each visibility period, the
   * messages are hidden for another full period. Stops when the batch is settled.
   */
  private final class VisibilityKeeper {
    private final Map<Message, Integer> extension = new LinkedHashMap<>();
    private long timer;
    private boolean done;

    VisibilityKeeper(List<Message> messages) {
      int seconds = (int) visibility.toSeconds();
      messages.forEach(m -> extension.put(m, seconds));
      schedule();
    }

    private void schedule() {
      timer = vertx.setTimer(Math.max(200, visibility.toMillis() * 2 / 3), id -> {
        if (done) {
          return;
        }
        queue.changeVisibility(extension)
            .onSuccess(v -> LOG.debug("extended the visibility of {} message(s) still being stored", extension.size()))
            .onFailure(error -> LOG.warn("could not extend visibility: {}", error.toString()));
        schedule();
      });
    }

    void stop() {
      done = true;
      vertx.cancelTimer(timer);
    }
  }
}
