package io.asynccatalog.queue;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.aws.QueueCalls;
import io.asynccatalog.metrics.CatalogMetrics;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The product queue and its dead-letter queue, in the batched calls the service uses, behind the SQS breaker. */
public final class ProductQueue {
  /** SQS's limit on entries per batch call and messages per receive. */
  public static final int MAX_BATCH = SqsLimits.MAX_BATCH_ENTRIES;
  /** Message attribute that says why a message was moved to the dead-letter queue without retries. */
  public static final String REJECTED_REASON = "rejected-reason";

  private final SqsAsyncClient sqs;
  private final QueueCalls batches;
  private final CircuitBreaker breaker;
  private final String queueUrl;
  private final String dlqUrl;
  private final CatalogMetrics metrics;

  public ProductQueue(SqsAsyncClient sqs, CircuitBreaker breaker, String queueUrl, String dlqUrl,
                      CatalogMetrics metrics) {
    this(sqs, QueueCalls.sdk(sqs), breaker, queueUrl, dlqUrl, metrics);
  }

  /** {@code batches}: how SendMessageBatch and DeleteMessageBatch reach SQS (the SDK's client, or directly). */
  public ProductQueue(SqsAsyncClient sqs, QueueCalls batches, CircuitBreaker breaker, String queueUrl, String dlqUrl,
                      CatalogMetrics metrics) {
    this.sqs = sqs;
    this.batches = batches;
    this.breaker = breaker;
    this.queueUrl = queueUrl;
    this.dlqUrl = dlqUrl;
    this.metrics = metrics;
  }

  /** A message to send: its body, a delay before it is visible (0: at once), and string attributes. */
  public record Outgoing(String body, int delaySeconds, Map<String, String> attributes) {
    public Outgoing {
      attributes = Map.copyOf(attributes);
    }

    int bytes() {
      int bytes = SqsLimits.utf8Length(body);
      for (Map.Entry<String, String> attribute : attributes.entrySet()) {
        bytes += attribute.getKey().length() + "String".length() + SqsLimits.utf8Length(attribute.getValue());
      }
      return bytes;
    }
  }

  /** A long poll under way: its messages, and the SDK call, which a stopping consumer may cancel. */
  public record PendingReceive(CompletableFuture<ReceiveMessageResponse> call, Future<List<Message>> messages) {}

  /** Sends up to ten messages; the caller matches the per-entry outcome by entry id. */
  public Future<SendMessageBatchResponse> sendBatch(List<SendMessageBatchRequestEntry> entries, Duration deadline) {
    metrics.sqsRequest("send");
    return breaker.execute(() -> batches.send(queueUrl, entries, deadline));
  }

  /** Naive mode: one message, one SendMessage call. Answers like a batch of one, so callers need not care. */
  public Future<SendMessageBatchResponse> sendOne(SendMessageBatchRequestEntry entry, Duration deadline) {
    metrics.sqsRequest("send");
    return breaker.execute(() -> AwsFutures.bridge(sqs.sendMessage(b -> b.queueUrl(queueUrl)
            .messageBody(entry.messageBody()).messageAttributes(entry.messageAttributes())
            .overrideConfiguration(o -> o.apiCallTimeout(deadline))))
        .map(sent -> SendMessageBatchResponse.builder().successful(SendMessageBatchResultEntry.builder()
            .id(entry.id()).messageId(sent.messageId()).build()).build()));
  }

  /** Naive mode: one DeleteMessage call per message. */
  public Future<Set<String>> deleteEach(List<Message> messages) {
    List<Future<String>> deletes = new ArrayList<>(messages.size());
    for (Message message : messages) {
      metrics.sqsRequest("delete");
      deletes.add(breaker.<String>execute(() -> AwsFutures.bridge(sqs.deleteMessage(b -> b.queueUrl(queueUrl)
              .receiptHandle(message.receiptHandle()))).map(r -> (String) null))
          .otherwise(error -> message.receiptHandle()));
    }
    return Future.join(deletes).map(done -> {
      Set<String> failed = new HashSet<>();
      deletes.forEach(d -> {
        if (d.result() != null) {
          failed.add(d.result());
        }
      });
      return failed;
    });
  }

  /**
   * Long-polls for up to {@code max} messages, hiding them for {@code visibility}; the call's own deadline is the
   * wait plus {@code callTimeout}.
   */
  public PendingReceive receive(String url, int max, int waitSeconds, Duration visibility, Duration callTimeout) {
    CompletableFuture<ReceiveMessageResponse> call = new CompletableFuture<>();
    Future<List<Message>> messages = breaker.execute(() -> {
      metrics.sqsRequest("receive");
      CompletableFuture<ReceiveMessageResponse> sdk = sqs.receiveMessage(b -> b.queueUrl(url)
          .maxNumberOfMessages(max)
          .waitTimeSeconds(waitSeconds)
          .visibilityTimeout((int) visibility.toSeconds())
          .messageAttributeNames("All")
          .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
              MessageSystemAttributeName.SENT_TIMESTAMP)
          .overrideConfiguration(o -> o.apiCallTimeout(callTimeout.plusSeconds(waitSeconds))));
      call.whenComplete((r, e) -> sdk.cancel(true)); // completing "call" early cancels the poll
      return AwsFutures.bridge(sdk).map(r -> r.hasMessages() ? r.messages() : List.<Message>of());
    });
    return new PendingReceive(call, messages);
  }

  /** Long-polls the product queue. */
  public PendingReceive receive(int max, int waitSeconds, Duration visibility, Duration callTimeout) {
    return receive(queueUrl, max, waitSeconds, visibility, callTimeout);
  }

  /**
   * Deletes messages of {@code url}, ten per DeleteMessageBatch call; succeeds with the receipt handles that SQS did
   * not delete (a failed call counts all of its ten as not deleted, once every call has answered).
   */
  public Future<Set<String>> deleteBatch(String url, List<Message> messages) {
    return deleteBatch(url, messages, null);
  }

  /** As {@link #deleteBatch(String, List)}, each call given at most {@code timeout} (null: the client's own). */
  public Future<Set<String>> deleteBatch(String url, List<Message> messages, Duration timeout) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    if (messages.size() > MAX_BATCH) {
      List<Future<Set<String>>> calls = new ArrayList<>();
      chunks(messages).forEach(chunk -> calls.add(deleteBatch(url, chunk, timeout)
          .otherwise(error -> receiptHandles(chunk))));
      return Future.join(calls).map(done -> {
        Set<String> failed = new HashSet<>();
        calls.forEach(call -> failed.addAll(call.result()));
        return failed;
      });
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
          .receiptHandle(messages.get(i).receiptHandle()).build());
    }
    metrics.sqsRequest("delete");
    return breaker.execute(() -> batches.delete(url, entries, timeout))
        .map(response -> {
          Set<String> failed = new HashSet<>();
          response.failed().forEach(f -> failed.add(messages.get(Integer.parseInt(f.id())).receiptHandle()));
          return failed;
        });
  }

  /** Deletes settled messages of the product queue, each call given at most {@code timeout}. */
  public Future<Set<String>> deleteBatch(List<Message> messages, Duration timeout) {
    return deleteBatch(queueUrl, messages, timeout);
  }

  /**
   * Sets how long each message stays hidden from now on (0 makes it visible at once), ten per call, each call given
   * at most {@code timeout}; succeeds with the messages whose visibility SQS did not change (an entry it refused,
   * such as a receipt handle no longer valid, or every message of a call that failed).
   */
  public Future<Set<Message>> changeVisibility(Map<Message, Integer> seconds, Duration timeout) {
    if (seconds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<Message> messages = new ArrayList<>(seconds.keySet());
    List<Future<Set<Message>>> calls = new ArrayList<>();
    for (List<Message> chunk : chunks(messages)) {
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
            .receiptHandle(chunk.get(i).receiptHandle()).visibilityTimeout(seconds.get(chunk.get(i))).build());
      }
      metrics.sqsRequest("visibility");
      calls.add(breaker.execute(() -> AwsFutures.bridge(sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl)
              .entries(entries).overrideConfiguration(o -> o.apiCallTimeout(timeout)))))
          .map(response -> {
            Set<Message> failed = new HashSet<>();
            response.failed().forEach(f -> failed.add(chunk.get(Integer.parseInt(f.id()))));
            return failed;
          })
          .otherwise(error -> new HashSet<>(chunk)));
    }
    return Future.join(calls).map(done -> {
      Set<Message> failed = new HashSet<>();
      calls.forEach(call -> failed.addAll(call.result()));
      return failed;
    });
  }

  /** Moves a message that can never be processed to the dead-letter queue, then deletes it from this queue. */
  public Future<Void> deadLetter(Message message, String reason) {
    metrics.sqsRequest("send");
    metrics.sqsRequest("delete");
    return breaker.execute(() -> AwsFutures.bridge(sqs.sendMessage(b -> b.queueUrl(dlqUrl)
            .messageBody(message.body())
            .messageAttributes(Map.of(REJECTED_REASON, MessageAttributeValue.builder()
                .dataType("String").stringValue(truncate(reason, 1024)).build()))))
        .compose(sent -> AwsFutures.bridge(sqs.deleteMessage(b -> b.queueUrl(queueUrl)
            .receiptHandle(message.receiptHandle()))))
        .mapEmpty());
  }

  /**
   * Sends messages to {@code url}, up to ten per SendMessageBatch within its byte limit, the calls at once; succeeds
   * with the indexes of the messages SQS did not take (a failed call counts all of its messages).
   */
  public Future<Set<Integer>> sendAll(String url, List<Outgoing> messages) {
    List<Future<Set<Integer>>> calls = new ArrayList<>();
    int from = 0;
    while (from < messages.size()) {
      int to = from;
      int bytes = 0;
      while (to < messages.size() && to - from < MAX_BATCH
          && (to == from || bytes + messages.get(to).bytes() <= SqsLimits.MAX_BATCH_BYTES)) {
        bytes += messages.get(to).bytes();
        to++;
      }
      calls.add(sendCall(url, messages.subList(from, to), from));
      from = to;
    }
    return Future.join(calls).transform(done -> {
      Set<Integer> failed = new HashSet<>();
      calls.forEach(call -> failed.addAll(call.result()));
      return Future.succeededFuture(failed);
    });
  }

  private Future<Set<Integer>> sendCall(String url, List<Outgoing> messages, int offset) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Outgoing message = messages.get(i);
      Map<String, MessageAttributeValue> attributes = new java.util.HashMap<>();
      message.attributes().forEach((name, value) -> attributes.put(name, MessageAttributeValue.builder()
          .dataType("String").stringValue(truncate(value, 1024)).build()));
      entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(message.body())
          .delaySeconds(Math.min(SqsLimits.MAX_DELAY_SECONDS, message.delaySeconds()))
          .messageAttributes(attributes).build());
    }
    metrics.sqsRequest("send");
    Set<Integer> all = new HashSet<>();
    for (int i = 0; i < messages.size(); i++) {
      all.add(offset + i);
    }
    return breaker.execute(() -> batches.send(url, entries, null))
        .map(response -> {
          Set<Integer> failed = new HashSet<>();
          response.failed().forEach(f -> failed.add(offset + Integer.parseInt(f.id())));
          return failed;
        })
        .otherwise(error -> all);
  }

  /** Approximate visible plus in-flight messages of a queue. */
  public Future<Map<String, Integer>> depth(String url) {
    metrics.sqsRequest("attributes");
    return breaker.execute(() -> AwsFutures.bridge(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))))
        .map(r -> Map.of(
            "visible", Integer.parseInt(r.attributesAsStrings().getOrDefault("ApproximateNumberOfMessages", "0")),
            "inFlight", Integer.parseInt(r.attributesAsStrings().getOrDefault("ApproximateNumberOfMessagesNotVisible", "0"))));
  }

  public String queueUrl() {
    return queueUrl;
  }

  public String dlqUrl() {
    return dlqUrl;
  }

  /** Consecutive slices of at most {@link #MAX_BATCH}, the most SQS takes in one batch call. */
  private static <T> List<List<T>> chunks(List<T> items) {
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += MAX_BATCH) {
      chunks.add(items.subList(from, Math.min(items.size(), from + MAX_BATCH)));
    }
    return chunks;
  }

  private static Set<String> receiptHandles(List<Message> messages) {
    Set<String> handles = new HashSet<>();
    messages.forEach(m -> handles.add(m.receiptHandle()));
    return handles;
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
