package io.asynccatalog.ingest;

import io.asynccatalog.bus.Addresses;
import io.asynccatalog.config.CatalogConfig.IngestConfig;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.queue.ProductQueue;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts accepted products on SQS in micro-batches: up to ten messages per SendMessageBatch, a short linger to fill a
 * batch (one while others are in flight, one when the publisher is idle), several batches in flight. Each requester is answered only once SQS has acknowledged its own entry, so an
 * HTTP 202 always means the product is durably queued. Work waiting here is bounded; beyond the bound, or past its
 * deadline, a request fails fast with {@link Addresses#OVERLOADED}.
 */
public final class EnqueueVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EnqueueVerticle.class);
  /** SendMessageBatch's limit on the summed size of the bodies. */
  private static final int MAX_BATCH_BYTES = 256 * 1024;

  private final ProductQueue queue;
  private final IngestConfig config;
  private final CatalogMetrics metrics;
  private final int batchSize;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private MessageConsumer<Product> consumer;
  private int batchesInFlight;
  private long lingerTimer = -1;
  private Promise<Void> drained;

  public EnqueueVerticle(ProductQueue queue, IngestConfig config, CatalogMetrics metrics) {
    this.queue = queue;
    this.config = config;
    this.metrics = metrics;
    this.batchSize = config.batching() ? ProductQueue.MAX_BATCH : 1;
  }

  private record Pending(Message<Product> request, String body, int bytes, long arrivedNanos, String traceparent) {}

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.ENQUEUE, this::onProduct);
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

  private void onProduct(Message<Product> request) {
    if (waiting.size() >= config.maxPending()) {
      request.fail(Addresses.OVERLOADED, "the ingest queue is full");
      return;
    }
    String body = ProductJson.toMessage(request.body());
    int bytes = body.getBytes(StandardCharsets.UTF_8).length;
    waiting.add(new Pending(request, body, bytes, System.nanoTime(), request.headers().get(TraceContext.HEADER)));
    drain();
  }

  /**
   * Sends full batches at once, a partial one when its oldest product has lingered long enough; once stopping,
   * everything at once.
   */
  private void drain() {
    while (batchesInFlight < config.maxBatchesInFlight() && !waiting.isEmpty()) {
      // a partial batch waits for more products, so that busy periods send full batches: the linger while other
      // batches are in flight, the idle linger when none is (below saturation it halves the sends per product for a
      // few ms of POST latency; 0: a lone product goes at once). The wait counts from its oldest product's arrival.
      if (drained == null && waiting.size() < batchSize) {
        long lingerNanos = (batchesInFlight > 0 ? config.lingerMs() : config.idleLingerMs()) * 1_000_000L;
        long left = lingerNanos - (System.nanoTime() - waiting.peek().arrivedNanos());
        if (left > 0) {
          armLinger(left);
          return;
        }
      }
      List<Pending> batch = takeBatch();
      if (!batch.isEmpty()) {
        send(batch);
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

  private long deadlineNanos(Pending pending) {
    return pending.arrivedNanos() + config.timeout().toNanos();
  }

  /** Up to ten entries within the byte limit; entries already past their deadline are answered, not sent. */
  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>(ProductQueue.MAX_BATCH);
    int bytes = 0;
    long now = System.nanoTime();
    while (batch.size() < batchSize && !waiting.isEmpty()) {
      Pending next = waiting.peek();
      if (deadlineNanos(next) - now <= 0) {
        waiting.poll();
        next.request().fail(Addresses.OVERLOADED, "SQS did not take the product in time");
        continue;
      }
      if (!batch.isEmpty() && bytes + next.bytes() > MAX_BATCH_BYTES) {
        break;
      }
      batch.add(waiting.poll());
      bytes += next.bytes();
    }
    return batch;
  }

  private void send(List<Pending> batch) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
    long earliestDeadline = Long.MAX_VALUE;
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
          .messageBody(p.body());
      if (p.traceparent() != null) {
        entry.messageAttributes(Map.of(TraceContext.HEADER, MessageAttributeValue.builder().dataType("String")
            .stringValue(p.traceparent()).build()));
      }
      entries.add(entry.build());
      earliestDeadline = Math.min(earliestDeadline, deadlineNanos(p));
    }
    Duration deadline = Duration.ofNanos(Math.max(1_000_000, earliestDeadline - System.nanoTime()));
    batchesInFlight++;
    long started = System.nanoTime();
    (config.batching() ? queue.sendBatch(entries, deadline) : queue.sendOne(entries.get(0), deadline))
        .onComplete(result -> {
      batchesInFlight--;
      metrics.enqueueCall(batch.size(), System.nanoTime() - started);
      if (result.succeeded()) {
        answer(batch, result.result());
      } else {
        LOG.warn("SendMessageBatch of {} failed: {}", batch.size(), result.cause().toString());
        batch.forEach(p -> p.request().fail(Addresses.OVERLOADED, "SQS is unavailable"));
      }
      drain();
    });
  }

  private static void answer(List<Pending> batch, SendMessageBatchResponse response) {
    for (SendMessageBatchResultEntry ok : response.successful()) {
      batch.get(Integer.parseInt(ok.id())).request().reply(ok.messageId());
    }
    for (BatchResultErrorEntry failed : response.failed()) {
      LOG.warn("SQS refused a message: {} {}", failed.code(), failed.message());
      int code = Boolean.TRUE.equals(failed.senderFault()) ? Addresses.FAILED : Addresses.OVERLOADED;
      batch.get(Integer.parseInt(failed.id())).request().fail(code, "SQS refused the message: " + failed.code());
    }
  }
}
