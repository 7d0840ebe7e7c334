package io.asynccatalog.testing;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.queue.ProductQueue;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Looks at queues, tables and buckets from outside the service, with plain blocking SDK clients. */
public final class Inspector implements AutoCloseable {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t"));

  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final S3Client s3;

  public Inspector(URI sqsEndpoint, URI dynamoDbEndpoint, URI s3Endpoint) {
    sqs = sqsClient(sqsEndpoint);
    dynamoDb = DynamoDbClient.builder().endpointOverride(dynamoDbEndpoint).region(AwsEnvironment.LOCAL_REGION)
        .credentialsProvider(CREDENTIALS).build();
    s3 = S3Client.builder().endpointOverride(s3Endpoint).region(AwsEnvironment.LOCAL_REGION).forcePathStyle(true)
        .credentialsProvider(CREDENTIALS).build();
  }

  /** A blocking SQS client for a local endpoint; the caller closes it. */
  public static SqsClient sqsClient(URI endpoint) {
    return SqsClient.builder().endpointOverride(endpoint).region(AwsEnvironment.LOCAL_REGION)
        .credentialsProvider(CREDENTIALS).build();
  }

  /** Visible, in-flight and delayed messages of the named queue. */
  public int messagesIn(String queueName) {
    String url = sqs.getQueueUrl(b -> b.queueName(queueName)).queueUrl();
    return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
        .attributes().values().stream().mapToInt(Integer::parseInt).sum();
  }

  /** Why messages were dead-lettered: the reasons of up to ten of them (left in the queue), most frequent first. */
  public String deadLetterReasons(String queueName) {
    String url = sqs.getQueueUrl(b -> b.queueName(queueName)).queueUrl();
    Map<String, Integer> reasons = new HashMap<>();
    sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)
            .messageAttributeNames(ProductQueue.REJECTED_REASON))
        .messages().forEach(m -> {
          var reason = m.messageAttributes().get(ProductQueue.REJECTED_REASON);
          reasons.merge(reason == null ? "(no reason)" : reason.stringValue(), 1, Integer::sum);
        });
    return reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(e -> e.getValue() + " x " + e.getKey()).collect(java.util.stream.Collectors.joining("; "));
  }

  /** Every item of the table: id to name. */
  public Map<String, String> items(String table) {
    Map<String, String> items = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = dynamoDb.scan(b -> b.tableName(table).exclusiveStartKey(from));
      page.items().forEach(item -> items.put(item.get("id").s(), item.get("name").s()));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return items;
  }

  /** Every object key of the bucket. */
  public Set<String> keys(String bucket) {
    Set<String> keys = new HashSet<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(o -> keys.add(o.key()));
    return keys;
  }

  @Override
  public void close() {
    sqs.close();
    dynamoDb.close();
    s3.close();
  }
}
