package io.asynccatalog.ingest;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.bus.EnqueueRequest;
import io.asynccatalog.bus.EnqueueResult;
import io.asynccatalog.config.CatalogConfig.IngestConfig;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.queue.ProductQueue;
import io.asynccatalog.queue.SqsLimits;
import io.asynccatalog.tracing.TraceContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Puts accepted products on SQS: several products packed into one message (up to {@code CATALOG_PACK_MAX_PRODUCTS}
 * and {@code CATALOG_PACK_MAX_BYTES}), products of one request or of many alike, and up to ten messages per
 * SendMessageBatch; a short linger fills a call (one while others are in flight, one when the publisher is idle),
 * several calls in flight. A request is answered only once SQS has acknowledged or refused the message of each of
 * its products, so an HTTP 202 always means durably queued. Products waiting here are bounded; beyond the bound a
 * request fails fast with {@link Addresses#OVERLOADED}, and a product still waiting at its deadline is not sent.
 * With {@code fairShares} (several clients), a client that has products waiting may not go beyond its share of the
 * bound, 1/(k+2) with k other clients waiting: however hard one client pushes, room is left for the others.
 */
public final class EnqueueVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EnqueueVerticle.class);

  private final ProductQueue queue;
  private final IngestConfig config;
  private final CatalogMetrics metrics;
  private final boolean fairShares;
  /** Products waiting per client, and how many clients have some (fair shares only). */
  private final java.util.HashMap<String, int[]> waitingByClient = new java.util.HashMap<>();
  private int clientsWaiting;
  /** Products in one full call, and their bytes: waiting for more than that is pointless. */
  private final int callProducts;
  private final int callBytes;
  private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  private long waitingBytes;
  private MessageConsumer<EnqueueRequest> consumer;
  private int batchesInFlight;
  private long lingerTimer = -1;
  private Promise<Void> drained;

  public EnqueueVerticle(ProductQueue queue, IngestConfig config, boolean fairShares, CatalogMetrics metrics) {
    this.queue = queue;
    this.config = config;
    this.fairShares = fairShares;
    this.metrics = metrics;
    int messages = config.batching() ? SqsLimits.MAX_BATCH_ENTRIES : 1;
    this.callProducts = messages * (config.packing() ? config.packMaxProducts() : 1);
    this.callBytes = config.packing()
        ? (int) Math.min(SqsLimits.MAX_BATCH_BYTES, (long) messages * config.packMaxBytes())
        : SqsLimits.MAX_BATCH_BYTES;
  }

  /** The products of one request and their fate, answered when the last one is settled. */
  private static final class Submission {
    final Message<EnqueueRequest> request;
    /** The client's count of waiting products (fair shares), or null. */
    final int[] clientWaiting;
    final BitSet accepted = new BitSet();
    final BitSet unknown = new BitSet();
    int open;
    String failure;
    boolean refused;

    Submission(Message<EnqueueRequest> request, int[] clientWaiting) {
      this.request = request;
      this.clientWaiting = clientWaiting;
      this.open = request.body().products().size();
    }

    void settle(int index, boolean ok, String why, boolean senderFault, boolean maybeSent) {
      if (ok) {
        accepted.set(index);
      } else {
        if (maybeSent) {
          unknown.set(index);
        }
        if (failure == null || senderFault) {
          failure = why;
          refused |= senderFault;
        }
      }
      if (--open == 0) {
        request.reply(new EnqueueResult(request.body().products().size(), accepted, unknown, failure, refused));
      }
    }
  }

  /** A product waiting to be sent; past {@code deadlineNanos} it is answered as not sent instead. */
  private record Entry(Submission owner, int index, EnqueueRequest.Outgoing product, long arrivedNanos,
                       long deadlineNanos) {}

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.ENQUEUE, this::onRequest);
    return consumer.completion();
  }

  /** Stops taking products, then sends everything already accepted here and waits for SQS to answer. */
  @Override
  public Future<?> stop() {
    drained = Promise.promise();
    return consumer.unregister().compose(v -> {
      drain();
      return drained.future();
    });
  }

  private void onRequest(Message<EnqueueRequest> request) {
    List<EnqueueRequest.Outgoing> products = request.body().products();
    if (products.isEmpty()) {
      request.reply(new EnqueueResult(0, new BitSet(), new BitSet(), null, false));
      return;
    }
    if (waiting.size() + products.size() > config.maxPending()) {
      request.fail(Addresses.OVERLOADED, "the ingest queue is full");
      return;
    }
    int[] clientWaiting = null;
    if (fairShares) {
      clientWaiting = waitingByClient.computeIfAbsent(request.body().client(), c -> new int[1]);
      int others = clientsWaiting - (clientWaiting[0] > 0 ? 1 : 0);
      // a client with nothing waiting always gets in (within the bound above): a large request is not starved
      if (clientWaiting[0] > 0 && clientWaiting[0] + products.size() > config.maxPending() / (others + 2)) {
        request.fail(Addresses.OVERLOADED, "this client's share of the ingest queue is full");
        return;
      }
      if (clientWaiting[0] == 0) {
        clientsWaiting++;
      }
      clientWaiting[0] += products.size();
    }
    Submission submission = new Submission(request, clientWaiting);
    long now = System.nanoTime();
    // the publisher's own timeout, or the request's deadline when that comes first
    long deadline = request.body().deadline().earliest(new Deadline(now + config.timeout().toNanos())).nanos();
    for (int i = 0; i < products.size(); i++) {
      waiting.add(new Entry(submission, i, products.get(i), now, deadline));
      waitingBytes += products.get(i).bytes();
    }
    drain();
  }

  /**
   * Sends full calls at once, a partial one when its oldest product has lingered long enough; once stopping,
   * everything at once.
   */
  private void drain() {
    while (batchesInFlight < config.maxBatchesInFlight() && !waiting.isEmpty()) {
      // a partial call waits for more products, so that busy periods send full calls: the linger while other calls
      // are in flight, the idle linger when none is (below saturation it halves the sends per product for a few ms
      // of POST latency; 0: a lone product goes at once). The wait counts from its oldest product's arrival.
      if (drained == null && waiting.size() < callProducts && waitingBytes < callBytes) {
        long lingerNanos = (batchesInFlight > 0 ? config.lingerMs() : config.idleLingerMs()) * 1_000_000L;
        long left = lingerNanos - (System.nanoTime() - waiting.peek().arrivedNanos());
        if (left > 0) {
          armLinger(left);
          return;
        }
      }
      List<Pack> messages = takeCall();
      if (!messages.isEmpty()) {
        send(messages);
      }
    }
    if (drained != null && waiting.isEmpty() && batchesInFlight == 0) {
      drained.tryComplete();
    }
  }

  private void armLinger(long nanos) {
    if (lingerTimer < 0) {
      lingerTimer = vertx.setTimer(Math.max(1, (nanos + 999_999) / 1_000_000), id -> {
        lingerTimer = -1;
        drain();
      });
    }
  }

  private static long deadlineNanos(Entry entry) {
    return entry.deadlineNanos();
  }

  /** The products of one message being built; a pack states its first product's acceptance time and trace once. */
  private static final class Pack {
    final List<Entry> entries = new ArrayList<>();
    final String createdAt;
    final String traceparent;
    int bytes;

    Pack(Entry first, boolean packing) {
      createdAt = first.product().createdAt();
      traceparent = first.product().traceparent();
      bytes = packing ? ProductMessages.PACK_OVERHEAD + ProductMessages.sharedBytes(createdAt, traceparent) : 0;
    }

    boolean shares(EnqueueRequest.Outgoing product) {
      return createdAt.equals(product.createdAt()) && Objects.equals(traceparent, product.traceparent());
    }
  }

  /**
   * The messages of one call: up to ten, each a pack within the pack limits (or one product without packing), all
   * within the call's byte limit. Products already past their deadline are answered, not sent.
   */
  private List<Pack> takeCall() {
    int maxMessages = config.batching() ? SqsLimits.MAX_BATCH_ENTRIES : 1;
    int perMessage = config.packing() ? config.packMaxProducts() : 1;
    List<Pack> messages = new ArrayList<>(maxMessages);
    Pack pack = null;
    int bytes = 0;
    long now = System.nanoTime();
    while (!waiting.isEmpty()) {
      Entry next = waiting.peek();
      if (deadlineNanos(next) - now <= 0) {
        take();
        next.owner().settle(next.index(), false, "SQS did not take the product in time", false, false);
        continue;
      }
      boolean fits = pack != null && pack.entries.size() < perMessage
          && pack.bytes + entryBytes(pack, next) <= config.packMaxBytes();
      Pack target = fits ? pack : new Pack(next, config.packing());
      int size = entryBytes(target, next) + (fits ? 0 : target.bytes);
      if (!fits && messages.size() == maxMessages || !messages.isEmpty() && bytes + size > SqsLimits.MAX_BATCH_BYTES) {
        break;
      }
      if (!fits) {
        pack = target;
        messages.add(pack);
        pack.bytes = 0;
      }
      pack.entries.add(take());
      pack.bytes += size;
      bytes += size;
    }
    return messages;
  }

  /** What one more product adds to a pack: its entry, a comma, and its own time and trace if it does not share them. */
  private int entryBytes(Pack pack, Entry entry) {
    if (!config.packing()) {
      return entry.product().bytes();
    }
    EnqueueRequest.Outgoing product = entry.product();
    return product.bytes() + 1 + (pack.shares(product) ? 0
        : ProductMessages.sharedBytes(product.createdAt(), product.traceparent()));
  }

  private Entry take() {
    Entry entry = waiting.poll();
    waitingBytes -= entry.product().bytes();
    int[] clientWaiting = entry.owner().clientWaiting;
    if (clientWaiting != null && --clientWaiting[0] == 0) {
      clientsWaiting--;
    }
    return entry;
  }

  private void send(List<Pack> messages) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
    long earliestDeadline = Long.MAX_VALUE;
    int products = 0;
    for (int i = 0; i < messages.size(); i++) {
      Pack pack = messages.get(i);
      entries.add(entry(i, pack));
      for (Entry e : pack.entries) {
        earliestDeadline = Math.min(earliestDeadline, deadlineNanos(e));
      }
      products += pack.entries.size();
    }
    Duration deadline = Duration.ofNanos(Math.max(1_000_000, earliestDeadline - System.nanoTime()));
    batchesInFlight++;
    long started = System.nanoTime();
    int sent = products;
    (config.batching() ? queue.sendBatch(entries, deadline) : queue.sendOne(entries.get(0), deadline))
        .onComplete(result -> {
          batchesInFlight--;
          metrics.enqueueCall(sent, messages.size(), System.nanoTime() - started);
          if (result.succeeded()) {
            answer(messages, result.result());
          } else {
            // a call that was sent and never answered may have stored the messages: say so, do not say "refused"
            boolean maybeSent = Dependencies.maybeDelivered(result.cause());
            LOG.warn("SendMessageBatch of {} product(s) failed{}: {}", sent,
                maybeSent ? " (SQS may have taken them: outcome unknown)" : "", result.cause().toString());
            messages.forEach(pack -> settle(pack, false, maybeSent ? "SQS did not answer in time"
                : "SQS is unavailable", false, maybeSent));
          }
          drain();
        });
  }

  private SendMessageBatchRequestEntry entry(int id, Pack pack) {
    SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id(Integer.toString(id));
    if (config.packing()) {
      List<String> bodies = new ArrayList<>(pack.entries.size());
      for (Entry e : pack.entries) {
        EnqueueRequest.Outgoing product = e.product();
        bodies.add(pack.shares(product) ? product.body()
            : ProductMessages.withShared(product.body(), product.createdAt(), product.traceparent()));
      }
      return entry.messageBody(ProductMessages.pack(pack.createdAt, pack.traceparent, bodies)).build();
    }
    EnqueueRequest.Outgoing product = pack.entries.get(0).product();
    entry.messageBody(product.body());
    if (product.traceparent() != null) {
      entry.messageAttributes(Map.of(TraceContext.HEADER, MessageAttributeValue.builder().dataType("String")
          .stringValue(product.traceparent()).build()));
    }
    return entry.build();
  }

  private static void answer(List<Pack> messages, SendMessageBatchResponse response) {
    for (SendMessageBatchResultEntry ok : response.successful()) {
      settle(messages.get(Integer.parseInt(ok.id())), true, null, false, false);
    }
    for (BatchResultErrorEntry failed : response.failed()) {
      LOG.warn("SQS refused a message: {} {}", failed.code(), failed.message());
      settle(messages.get(Integer.parseInt(failed.id())), false, "SQS refused the message: " + failed.code(),
          Boolean.TRUE.equals(failed.senderFault()), false);
    }
  }

  private static void settle(Pack pack, boolean ok, String why, boolean senderFault, boolean maybeSent) {
    pack.entries.forEach(e -> e.owner().settle(e.index(), ok, why, senderFault, maybeSent));
  }
}
