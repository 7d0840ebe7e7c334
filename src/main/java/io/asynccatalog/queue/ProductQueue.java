package io.asynccatalog.queue;

import io.asynccatalog.aws.AwsFutures;
import io.vertx.core.Future;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The product queue and its dead-letter queue, in the batched calls the service uses. */
public final class ProductQueue {
  /** SQS's limit on entries per batch call and messages per receive. */
  public static final int MAX_BATCH = 10;
  /** Message attribute that says why a message was moved to the dead-letter queue without retries. */
  public static final String REJECTED_REASON = "rejected-reason";

  private final SqsAsyncClient sqs;
  private final String queueUrl;
  private final String dlqUrl;

  public ProductQueue(SqsAsyncClient sqs, String queueUrl, String dlqUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.dlqUrl = dlqUrl;
  }

  /** Sends up to ten messages; the caller matches the per-entry outcome by entry id. */
  public Future<SendMessageBatchResponse> sendBatch(List<SendMessageBatchRequestEntry> entries, Duration deadline) {
    return AwsFutures.bridge(sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)
        .overrideConfiguration(o -> o.apiCallTimeout(deadline))));
  }

  /**
   * Long-polls for up to {@code max} messages; the call's own deadline is the wait plus a margin. Returns the SDK
   * future itself so that a stopping consumer can cancel a pending poll instead of waiting it out.
   */
  public CompletableFuture<List<Message>> receive(int max, int waitSeconds, Duration callTimeout) {
    return sqs.receiveMessage(b -> b.queueUrl(queueUrl)
            .maxNumberOfMessages(max)
            .waitTimeSeconds(waitSeconds)
            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.SENT_TIMESTAMP)
            .overrideConfiguration(o -> o.apiCallTimeout(callTimeout.plusSeconds(waitSeconds))))
        .thenApply(response -> response.hasMessages() ? response.messages() : List.of());
  }

  /** Deletes the given messages; succeeds with the receipt handles that SQS did not delete. */
  public Future<Set<String>> deleteBatch(List<Message> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
          .receiptHandle(messages.get(i).receiptHandle()).build());
    }
    return AwsFutures.bridge(sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)))
        .map(response -> {
          Set<String> failed = new HashSet<>();
          response.failed().forEach(f -> failed.add(messages.get(Integer.parseInt(f.id())).receiptHandle()));
          return failed;
        });
  }

  /** Moves a message that can never be processed to the dead-letter queue, then deletes it from this queue. */
  public Future<Void> deadLetter(Message message, String reason) {
    return AwsFutures.bridge(sqs.sendMessage(b -> b.queueUrl(dlqUrl).messageBody(message.body())
            .messageAttributes(Map.of(REJECTED_REASON, MessageAttributeValue.builder()
                .dataType("String").stringValue(truncate(reason, 1024)).build()))))
        .compose(sent -> AwsFutures.bridge(sqs.deleteMessage(b -> b.queueUrl(queueUrl)
            .receiptHandle(message.receiptHandle()))))
        .mapEmpty();
  }

  public String queueUrl() {
    return queueUrl;
  }

  public String dlqUrl() {
    return dlqUrl;
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
