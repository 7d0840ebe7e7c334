package io.asynccatalog.queue;

import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Operator tools for the dead-letter queue: look at what is there, and move it back to the product queue. */
public final class DeadLetters {
  private static final int BODY_PREVIEW = 4096;
  private static final Duration MOVE_VISIBILITY = Duration.ofSeconds(60);

  private final ProductQueue queue;
  private final Duration callTimeout;

  public DeadLetters(ProductQueue queue, Duration callTimeout) {
    this.queue = queue;
    this.callTimeout = callTimeout;
  }

  /**
   * Up to {@code max} (at most ten) messages, without taking them: they are received with a visibility timeout of 0,
   * so they stay where they are. SQS samples its servers, so a peek may not show every message.
   */
  public Future<JsonObject> peek(int max) {
    Future<java.util.Map<String, Integer>> depth = queue.depth(queue.dlqUrl());
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

  /** Moves up to {@code max} messages back to the product queue; succeeds with the number moved. */
  public Future<Integer> redrive(int max) {
    return moveBatch(max, 0);
  }

  private Future<Integer> moveBatch(int max, int moved) {
    if (moved >= max) {
      return Future.succeededFuture(moved);
    }
    return queue.receive(queue.dlqUrl(), Math.min(ProductQueue.MAX_BATCH, max - moved), 0, MOVE_VISIBILITY,
            callTimeout).messages()
        .compose(messages -> messages.isEmpty()
            ? Future.succeededFuture(moved)
            // send first, then delete: a failure in between leaves a copy in both queues, never in neither
            : queue.sendBodies(queue.queueUrl(), messages)
                .compose(sent -> queue.deleteBatch(queue.dlqUrl(), messages))
                .compose(notDeleted -> moveBatch(max, moved + messages.size())));
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
        : "failed on every attempt until the queue's maxReceiveCount");
    try {
      Product product = ProductJson.fromMessage(message.body());
      json.put("product", new JsonObject().put("id", product.id()).put("name", product.name()));
    } catch (IllegalArgumentException e) {
      json.put("product", (Object) null);
    }
    String body = message.body();
    return json.put("body", body.length() <= BODY_PREVIEW ? body : body.substring(0, BODY_PREVIEW) + "...");
  }
}
