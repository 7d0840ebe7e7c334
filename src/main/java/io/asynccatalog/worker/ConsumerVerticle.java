package io.asynccatalog.worker;

import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.bus.SaveBatch;
import io.asynccatalog.bus.SaveOutcome;
import io.asynccatalog.config.CatalogConfig.WorkerConfig;
import io.asynccatalog.versions.Write;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.queue.QueuedWrite;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drains the product queue: long polls of up to ten messages (one product each, or packs of several), unpacked and
 * gathered into groups of about {@code saveBatch} products (whole messages of several receives, a partial group
 * waiting at most {@code saveLingerMs}), one save request per group, then each message settled product by product
 * ({@link Settler}): deleted once every product in it is stored or handed on. A message that is not a product at
 * all goes to the dead-letter queue at once. From its receive until it is settled a message is kept hidden
 * ({@link VisibilityKeeper}), so a slow store or a slow settlement never lets a second consumer take it; a group's
 * save has one deadline that the saver honours, so the room it frees is truly free. A poller receives only while fewer than
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
  private Duration settleTimeout;
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
    settleTimeout = VisibilityKeeper.settleCallTimeout(visibility, callTimeout);
    deletes = new DeleteBatcher(vertx, queue, config.batching(), config.deleteLingerMs(), settleTimeout, metrics);
    settler = new Settler(queue, deletes, new RetryBackoff(config.retryBaseSeconds(), config.retryMaxSeconds()),
        maxReceiveCount, settleTimeout, metrics);
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
        // with the stack trace: where reading failed says what the sender got wrong
        LOG.atWarn().addKeyValue("event", "not-a-product").addKeyValue("messageId", message.messageId())
            .setCause(e).log("message {} is not a product, moving it to the dead-letter queue", message.messageId());
        queue.deadLetter(message, e.getMessage())
            .onSuccess(v -> metrics.deadLettered(1))
            .onFailure(error -> LOG.warn("could not dead-letter message {}: {}", message.messageId(), error.toString()))
            .onComplete(v -> metrics.settled(1));
        continue;
      }
      if (group == null) {
        group = new Group(new VisibilityKeeper(vertx, queue, visibility, settleTimeout, metrics));
      }
      group.add(new Settler.Received(message, contents));
      inFlight += contents.size();
      metrics.productsReceived(contents.size());
      if (group.size >= config.saveBatch()) {
        flush();
      }
    }
    if (group != null && lingerTimer < 0) {
      long linger = config.saveLingerMs(); // the group's messages are kept hidden from their receive on
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
    // the saver answers by the deadline with nothing of the group still running; the bus timeout is only a backstop
    // behind it, for a saver that could not answer at all
    Deadline deadline = Deadline.in(config.saveTimeout());
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(config.saveTimeout().plus(callTimeout).plusSeconds(1).toMillis());
    vertx.eventBus().<SaveOutcome>request(Addresses.SAVE,
            new SaveBatch(saving.writes, saving.traces, saving.again, deadline), options)
        .map(reply -> reply.body())
        .otherwise(error -> SaveOutcome.allFailed(ids(saving.writes),
            Failure.ofDependency("no answer from the savers: " + error.getMessage())))
        .compose(outcome -> settler.settle(saving.received, outcome, saving.keeper))
        .onFailure(error -> LOG.warn("settling a group of {} message(s) failed; SQS will redeliver: {}",
            messages.size(), error.toString()))
        .onComplete(done -> {
          saving.keeper.stop();
          finish(saving.size, messages.size());
        });
  }

  private static Set<String> ids(List<Write> writes) {
    Set<String> ids = new HashSet<>();
    writes.forEach(w -> ids.add(w.writeId()));
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
    final VisibilityKeeper keeper;
    final List<Settler.Received> received = new ArrayList<>();
    final List<Write> writes = new ArrayList<>();
    final Map<String, String> traces = new HashMap<>();
    final Set<String> again = new HashSet<>();
    int size;

    Group(VisibilityKeeper keeper) {
      this.keeper = keeper;
    }

    void add(Settler.Received message) {
      received.add(message);
      keeper.keep(message.message());
      size += message.contents().size();
      boolean redelivered = message.receiveCount() > 1;
      for (QueuedWrite queued : message.contents().products()) {
        writes.add(queued.write());
        if (queued.traceparent() != null) {
          traces.put(queued.write().writeId(), queued.traceparent());
        }
        if (redelivered || queued.maybeStored()) {
          again.add(queued.write().writeId());
        }
      }
    }
  }
}
