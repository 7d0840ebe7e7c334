package io.asynccatalog.worker;

import io.asynccatalog.bus.SaveOutcome;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.metrics.CatalogMetrics;
import io.asynccatalog.queue.ProductMessages;
import io.asynccatalog.queue.ProductMessages.Contents;
import io.asynccatalog.queue.ProductQueue;
import io.asynccatalog.queue.QueuedWrite;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settles the messages of a stored group, product by product. A message is deleted only when every product in it
 * is stored or handed on:
 * <ul>
 *   <li>all stored: deleted;</li>
 *   <li>none stored, each failed for its own fault with tries left: hidden for a backoff and tried again whole (a
 *   one-product message of a bad product);</li>
 *   <li>otherwise the failed products are handed on first: those with tries left as one new message carrying their
 *   attempt counts (delayed by their backoff), each one out of tries alone to the dead-letter queue with the reason;
 *   the original is deleted once those sends succeeded, and hidden for a backoff if any did not.</li>
 * </ul>
 * A product's tries are for its own faults: the attempts its message carries plus the message's receive count, so
 * a poison product reaches the dead-letter queue alone, after {@code maxReceiveCount} tries, without its
 * pack-mates. A product that failed for a dependency's fault (an outage, throttling, a deadline passed while a
 * dependency was slow) is handed on without this receive counted, however often that happens: a dependency's trouble
 * never sends a product to the dead-letter queue. Its wait grows with each such hand-over, and meanwhile
 * {@link StoreGate} stops the consumers from taking more work the dependency cannot take.
 */
final class Settler {
  private static final Logger LOG = LoggerFactory.getLogger(Settler.class);

  private final ProductQueue queue;
  private final DeleteBatcher deletes;
  private final RetryBackoff backoff;
  private final int maxReceiveCount;
  private final Duration callTimeout;
  private final CatalogMetrics metrics;

  /** {@code callTimeout}: the deadline of the settling calls, within what the visibility keeper guarantees. */
  Settler(ProductQueue queue, DeleteBatcher deletes, RetryBackoff backoff, int maxReceiveCount, Duration callTimeout,
          CatalogMetrics metrics) {
    this.queue = queue;
    this.deletes = deletes;
    this.backoff = backoff;
    this.maxReceiveCount = maxReceiveCount;
    this.callTimeout = callTimeout;
    this.metrics = metrics;
  }

  /** A received message and what it holds. */
  record Received(Message message, Contents contents) {
    int receiveCount() {
      String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
      try {
        return count == null ? 1 : Integer.parseInt(count);
      } catch (NumberFormatException e) {
        return 1;
      }
    }
  }

  /** What to send before a message may be deleted. */
  private record Handover(Received received, List<ProductQueue.Outgoing> retry, List<ProductQueue.Outgoing> dead) {}

  /** Settles each message of the group; the keeper stops extending a message just before its delete or backoff. */
  Future<Void> settle(List<Received> group, SaveOutcome outcome, VisibilityKeeper keeper) {
    List<Message> delete = new ArrayList<>();
    Map<Message, Integer> hide = new LinkedHashMap<>();
    List<Handover> handovers = new ArrayList<>();
    int retried = 0;
    int deferred = 0;
    for (Received received : group) {
      int tries = received.receiveCount();
      List<String> again = new ArrayList<>();
      int delay = 0;
      int ownFaults = 0;
      List<ProductQueue.Outgoing> dead = new ArrayList<>();
      for (QueuedWrite product : received.contents().products()) {
        String id = product.write().writeId();
        if (outcome.stored().contains(id)) {
          continue;
        }
        Failure failure = outcome.failed().getOrDefault(id, Failure.own("not stored"));
        if (failure.dependency()) {
          // this receive is not counted: the product did nothing wrong
          int deferrals = product.deferrals() + 1;
          again.add(ProductMessages.entry(product.write(), product.attempts() + tries - 1, deferrals,
              product.traceparent(), false));
          delay = Math.max(delay, backoff.delaySeconds(deferrals));
          deferred++;
          continue;
        }
        int attempts = product.attempts() + tries;
        if (attempts >= maxReceiveCount) {
          dead.add(deadLetter(received, product, attempts, failure));
        } else {
          again.add(ProductMessages.entry(product.write(), attempts, product.deferrals(),
              product.traceparent(), false));
          delay = Math.max(delay, backoff.delaySeconds(attempts));
          ownFaults++;
          retried++;
        }
      }
      received.contents().rejected().forEach(r -> dead.add(new ProductQueue.Outgoing(r.entry(), 0,
          Map.of(ProductQueue.REJECTED_REASON, r.reason()))));
      if (again.isEmpty() && dead.isEmpty()) {
        delete.add(received.message());
      } else if (dead.isEmpty() && ownFaults == received.contents().size()) {
        hide.put(received.message(), backoff.delaySeconds(tries)); // nothing stored: the message is tried again
      } else {
        handovers.add(new Handover(received,
            again.isEmpty() ? List.of() : List.of(new ProductQueue.Outgoing(ProductMessages.pack(again), delay,
                Map.of())), dead));
      }
    }
    metrics.retried(retried);
    metrics.deferred(deferred);
    if (!outcome.failed().isEmpty()) {
      LOG.warn("{} product(s) not stored, tried again later or dead-lettered: {}", outcome.failed().size(),
          outcome.failed());
    }
    return handOver(handovers, hide)
        .compose(handedOver -> {
          delete.addAll(handedOver);
          delete.forEach(keeper::release);
          hide.keySet().forEach(keeper::release);
          return Future.all(deletes.delete(delete), queue.changeVisibility(hide, callTimeout)
              .onSuccess(failed -> metrics.visibilityFailures(failed.size())));
        })
        .mapEmpty();
  }

  /** One product out of tries, to go to the dead-letter queue alone, with its reason. */
  private ProductQueue.Outgoing deadLetter(Received received, QueuedWrite product, int attempts, Failure failure) {
    String why = "failed on " + attempts + " attempt(s); last: " + failure.reason();
    // a one-product message of the first format goes as it is, so that older readers can still redrive it
    String body = !received.contents().pack() ? received.message().body()
        : ProductMessages.pack(List.of(ProductMessages.entry(product.write(), attempts, 0, product.traceparent(),
            false)));
    return new ProductQueue.Outgoing(body, 0, Map.of(ProductQueue.REJECTED_REASON, why));
  }

  /**
   * Sends what the handovers need (retries to the product queue, dead letters to the DLQ, the calls at once) and
   * succeeds with the messages whose sends all succeeded; the others are added to {@code hide} for a backoff.
   */
  private Future<List<Message>> handOver(List<Handover> handovers, Map<Message, Integer> hide) {
    if (handovers.isEmpty()) {
      return Future.succeededFuture(new ArrayList<>());
    }
    List<ProductQueue.Outgoing> retries = new ArrayList<>();
    List<ProductQueue.Outgoing> dead = new ArrayList<>();
    List<Integer> retryOwner = new ArrayList<>();
    List<Integer> deadOwner = new ArrayList<>();
    for (int i = 0; i < handovers.size(); i++) {
      for (ProductQueue.Outgoing r : handovers.get(i).retry()) {
        retries.add(r);
        retryOwner.add(i);
      }
      for (ProductQueue.Outgoing d : handovers.get(i).dead()) {
        dead.add(d);
        deadOwner.add(i);
      }
    }
    Future<Set<Integer>> retried = queue.sendAll(queue.queueUrl(), retries);
    Future<Set<Integer>> deadLettered = queue.sendAll(queue.dlqUrl(), dead);
    return Future.all(retried, deadLettered).map(sent -> {
      boolean[] failed = new boolean[handovers.size()];
      retried.result().forEach(index -> failed[retryOwner.get(index)] = true);
      deadLettered.result().forEach(index -> failed[deadOwner.get(index)] = true);
      metrics.deadLettered(dead.size() - deadLettered.result().size());
      List<Message> done = new ArrayList<>();
      for (int i = 0; i < handovers.size(); i++) {
        Received received = handovers.get(i).received();
        if (failed[i]) {
          LOG.warn("could not hand on the failed products of message {}; it is tried again whole",
              received.message().messageId());
          hide.put(received.message(), backoff.delaySeconds(received.receiveCount()));
        } else {
          done.add(received.message());
        }
      }
      return done;
    });
  }
}
