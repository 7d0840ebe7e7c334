package io.asynccatalog.queue;

import io.asynccatalog.tracing.TraceContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Operator tools for the dead-letter queue, product by product: look at what is there (a message may hold one
 * product or a pack, for instance a pack SQS moved itself after consumers crashed on it), and move it back to the
 * product queue, each product as a message of its own with its attempts reset, so that a product that still fails
 * does not drag others back with it.
 */
public final class DeadLetters {
  private static final int BODY_PREVIEW = 4096;
  private static final Duration MOVE_VISIBILITY = Duration.ofSeconds(60);

  private final ProductQueue queue;
  private final Duration callTimeout;
  private final boolean packing;

  /** {@code packing}: products go back as packs of one (else in the one-product format, for older readers). */
  public DeadLetters(ProductQueue queue, Duration callTimeout, boolean packing) {
    this.queue = queue;
    this.callTimeout = callTimeout;
    this.packing = packing;
  }

  /** What a redrive moved: messages taken from the dead-letter queue, and products put back on the product queue. */
  public record Moved(int messages, int products) {}

  /**
   * Up to {@code max} (at most ten) messages, without taking them: they are received with a visibility timeout of 0,
   * so they stay where they are. SQS samples its servers, so a peek may not show every message.
   */
  public Future<JsonObject> peek(int max) {
    Future<Map<String, Integer>> depth = queue.depth(queue.dlqUrl());
    Future<List<Message>> sample = queue.receive(queue.dlqUrl(), Math.min(max, ProductQueue.MAX_BATCH), 0,
        Duration.ZERO, callTimeout).messages();
    return Future.all(depth, sample).map(done -> {
      JsonArray messages = new JsonArray();
      sample.result().forEach(m -> messages.add(describe(m)));
      return new JsonObject()
          .put("queue", queue.dlqUrl())
          .put("visible", depth.result().get("visible"))
          .put("inFlight", depth.result().get("inFlight"))
          .put("messages", messages);
    });
  }

  /** Moves up to {@code max} messages' products back to the product queue. */
  public Future<Moved> redrive(int max) {
    return moveBatch(max, new Moved(0, 0));
  }

  private Future<Moved> moveBatch(int max, Moved moved) {
    if (moved.messages() >= max) {
      return Future.succeededFuture(moved);
    }
    return queue.receive(queue.dlqUrl(), Math.min(ProductQueue.MAX_BATCH, max - moved.messages()), 0, MOVE_VISIBILITY,
            callTimeout).messages()
        .compose(messages -> messages.isEmpty()
            ? Future.succeededFuture(moved)
            : move(messages).compose(step -> moveBatch(max, new Moved(moved.messages() + step.messages(),
                moved.products() + step.products()))));
  }

  /**
   * Sends every product of the messages back, then deletes the messages whose products were all sent: a failure in
   * between leaves a copy in both queues, never in neither. Fails if nothing could be moved, so a redrive stops.
   */
  private Future<Moved> move(List<Message> messages) {
    List<ProductQueue.Outgoing> outgoing = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    int[] products = new int[messages.size()];
    for (int i = 0; i < messages.size(); i++) {
      for (ProductQueue.Outgoing one : unpack(messages.get(i))) {
        outgoing.add(one);
        owner.add(i);
        products[i]++;
      }
    }
    return queue.sendAll(queue.queueUrl(), outgoing).compose(failed -> {
      boolean[] keep = new boolean[messages.size()];
      failed.forEach(index -> keep[owner.get(index)] = true);
      List<Message> sent = new ArrayList<>();
      int count = 0;
      for (int i = 0; i < messages.size(); i++) {
        if (!keep[i]) {
          sent.add(messages.get(i));
          count += products[i];
        }
      }
      if (sent.isEmpty()) {
        return Future.failedFuture("SQS took none of the " + outgoing.size() + " product(s) sent back");
      }
      int movedProducts = count;
      return queue.deleteBatch(queue.dlqUrl(), sent).map(notDeleted -> new Moved(sent.size(), movedProducts));
    });
  }

  /** Each product of a message as a message of its own; a message that is not products goes back as it is. */
  private List<ProductQueue.Outgoing> unpack(Message message) {
    ProductMessages.Contents contents;
    try {
      contents = ProductMessages.read(message);
    } catch (IllegalArgumentException e) {
      return List.of(new ProductQueue.Outgoing(message.body(), 0, Map.of()));
    }
    List<ProductQueue.Outgoing> each = new ArrayList<>(contents.size());
    for (QueuedWrite product : contents.products()) {
      String trace = product.traceparent();
      // a write other than a create travels only in a pack; a create unpacked as before packing
      each.add(packing || !product.write().isCreate()
          ? new ProductQueue.Outgoing(ProductMessages.pack(List.of(ProductMessages.entry(product.write(), 0, 0,
              trace, true))), 0, Map.of())
          : new ProductQueue.Outgoing(ProductMessages.single(product.write().asProduct()), 0,
              trace == null ? Map.of() : Map.of(TraceContext.HEADER, trace)));
    }
    contents.rejected().forEach(r -> each.add(new ProductQueue.Outgoing(r.entry(), 0, Map.of())));
    return each;
  }

  private static JsonObject describe(Message message) {
    JsonObject json = new JsonObject()
        .put("messageId", message.messageId())
        .put("receiveCount", message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
    String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
    if (sent != null) {
      json.put("sentAt", Instant.ofEpochMilli(Long.parseLong(sent)).toString());
    }
    MessageAttributeValue reason = message.messageAttributes().get(ProductQueue.REJECTED_REASON);
    json.put("reason", reason != null ? reason.stringValue()
        : "failed on every attempt until the queue's maxReceiveCount (moved by SQS)");
    JsonArray products = new JsonArray();
    try {
      ProductMessages.Contents contents = ProductMessages.read(message);
      contents.products().forEach(p -> products.add(new JsonObject().put("id", p.write().productId())
          .put("op", p.write().kind().name().toLowerCase(java.util.Locale.ROOT)).put("writeId", p.write().writeId())
          .put("name", p.write().change().values().get("name")).put("attempts", p.attempts())));
      json.put("product", contents.products().size() == 1 ? products.getJsonObject(0) : null);
    } catch (IllegalArgumentException e) {
      json.put("product", (Object) null);
    }
    json.put("products", products);
    String body = message.body();
    return json.put("body", body.length() <= BODY_PREVIEW ? body : body.substring(0, BODY_PREVIEW) + "...");
  }

}
