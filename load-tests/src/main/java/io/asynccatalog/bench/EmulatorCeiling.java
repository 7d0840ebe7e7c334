package io.asynccatalog.bench;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The emulator ceiling: how fast the AWS-compatible servers take the calls the service makes, driven directly by
 * the SDK with 16 calls in flight, each operation for a fixed time. Prints one "name=value" line per figure.
 * Usage: EmulatorCeiling sqsUrl dynamoDbUrl s3Url seconds.
 */
public final class EmulatorCeiling {
  private static final int IN_FLIGHT = 16;
  private static final String BODY = "{\"v\":1,\"id\":\"01a20e66-3c3b-766f-b1ef-08a49545cc1d\",\"name\":\"Pen\","
      + "\"price\":\"1.99\",\"currency\":\"USD\",\"createdAt\":\"2026-11-24T16:31:56.168456659Z\"}";

  private EmulatorCeiling() {}

  public static void main(String[] args) throws Exception {
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b"));
    int seconds = Integer.parseInt(args[3]);
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (SqsAsyncClient sqs = SqsAsyncClient.builder().endpointOverride(URI.create(args[0])).region(Region.US_EAST_1)
             .credentialsProvider(credentials).build();
         DynamoDbAsyncClient ddb = DynamoDbAsyncClient.builder().endpointOverride(URI.create(args[1]))
             .region(Region.US_EAST_1).credentialsProvider(credentials).build();
         S3AsyncClient s3 = S3AsyncClient.builder().endpointOverride(URI.create(args[2])).region(Region.US_EAST_1)
             .forcePathStyle(true).credentialsProvider(credentials).build()) {
      String queue = sqs.createQueue(b -> b.queueName("ceiling-" + run)).join().queueUrl();
      String table = "ceiling-" + run;
      ddb.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))).join();
      String bucket = "ceiling-" + run;
      s3.createBucket(b -> b.bucket(bucket)).join();

      AtomicLong counter = new AtomicLong();
      // warm each path briefly, then measure
      for (boolean measure : new boolean[] {false, true}) {
        int window = measure ? seconds : Math.max(2, seconds / 3);
        double send = rate(window, 10, () -> sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries(10))));
        double receive = rate(window, 1, () -> sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                .waitTimeSeconds(0))
            .thenCompose(r -> r.messages().isEmpty() ? CompletableFuture.completedFuture(0)
                : sqs.deleteMessageBatch(d -> d.queueUrl(queue).entries(r.messages().stream()
                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle())
                        .build()).toList())).thenApply(x -> r.messages().size())));
        double batchWrite = rate(window, 25, () -> ddb.batchWriteItem(b -> b.requestItems(Map.of(table,
            items(counter, 25)))));
        double putItem = rate(window, 1, () -> ddb.putItem(b -> b.tableName(table).item(item(counter))));
        double putObject = rate(window, 1, () -> s3.putObject(b -> b.bucket(bucket)
            .key("reports/" + counter.incrementAndGet() + ".txt").contentType("text/plain"),
            AsyncRequestBody.fromString(BODY + BODY)));
        if (measure) {
          System.out.printf("sqs_send_batch_msgs_per_s=%.0f%n", send);
          System.out.printf("sqs_receive_delete_msgs_per_s=%.0f%n", receive);
          System.out.printf("ddb_batch_write_items_per_s=%.0f%n", batchWrite);
          System.out.printf("ddb_put_item_per_s=%.0f%n", putItem);
          System.out.printf("s3_put_object_per_s=%.0f%n", putObject);
        }
      }
    }
  }

  /** Calls per second times {@code perCall} units (or the units each call reports) over the window. */
  private static double rate(int seconds, int perCall, Supplier<CompletableFuture<?>> call) throws Exception {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong units = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    while (System.nanoTime() < end) {
      slots.acquire();
      call.get().whenComplete((result, error) -> {
        if (error == null) {
          units.addAndGet(result instanceof Integer n ? n : perCall);
        }
        slots.release();
      });
    }
    slots.acquire(IN_FLIGHT);
    return units.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static List<SendMessageBatchRequestEntry> entries(int n) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(BODY).build());
    }
    return entries;
  }

  private static Map<String, AttributeValue> item(AtomicLong counter) {
    return Map.of("id", AttributeValue.fromS("p-" + counter.incrementAndGet()), "name", AttributeValue.fromS("Pen"),
        "price", AttributeValue.fromN("1.99"), "createdAt", AttributeValue.fromS("2026-11-24T16:31:56.168Z"));
  }

  private static List<WriteRequest> items(AtomicLong counter, int n) {
    List<WriteRequest> writes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(counter)).build()).build());
    }
    return writes;
  }
}
