package io.asynccatalog.aws;

import io.vertx.core.Future;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.time.Duration;
import java.util.List;

/**
 * SQS's two batch calls on every product's way, {@code SendMessageBatch} and {@code DeleteMessageBatch}: through the
 * SDK's client, or as requests of our own ({@link SignedQueueCalls}, {@code CATALOG_AWS_CALLS=direct}). Both answer
 * with the SDK's model. A null timeout is the client's own call timeout.
 */
public interface QueueCalls {
  Future<SendMessageBatchResponse> send(String queueUrl, List<SendMessageBatchRequestEntry> entries,
                                        Duration timeout);

  Future<DeleteMessageBatchResponse> delete(String queueUrl, List<DeleteMessageBatchRequestEntry> entries,
                                            Duration timeout);

  static QueueCalls sdk(SqsAsyncClient sqs) {
    return new QueueCalls() {
      @Override
      public Future<SendMessageBatchResponse> send(String queueUrl, List<SendMessageBatchRequestEntry> entries,
                                                   Duration timeout) {
        return AwsFutures.bridge(sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)
            .overrideConfiguration(o -> {
              if (timeout != null) {
                o.apiCallTimeout(timeout);
              }
            })));
      }

      @Override
      public Future<DeleteMessageBatchResponse> delete(String queueUrl,
                                                       List<DeleteMessageBatchRequestEntry> entries,
                                                       Duration timeout) {
        return AwsFutures.bridge(sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)
            .overrideConfiguration(o -> {
              if (timeout != null) {
                o.apiCallTimeout(timeout);
              }
            })));
      }
    };
  }
}
