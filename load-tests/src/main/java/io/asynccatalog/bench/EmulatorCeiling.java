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
import software.amazon.awssdk.services.sqs.model.Message;
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
 * the SDK with 16 calls in flight, each operation for a fixed time. Then the same for whole pipelines: the calls the
 * service makes per product in each mode, all against the same servers at once (sends, receives, writes, reports and
 * deletes share the servers and the two cores, as they do under the service), which is the end-to-end ceiling.
 * Last, the consumer side alone, as the service drains a backlog once the POSTs stop: a queue filled with
 * {@value #BACKLOG} products first (not timed), then received, stored and deleted with the calls of each mode. The
 * packed modes carry {@value #PACK} products per message, as the service packs a bulk request's products.
 * Prints one "name=value" line per figure. Usage: EmulatorCeiling sqsUrl dynamoDbUrl s3Url seconds [warmRounds].
 */
public final class EmulatorCeiling {
  private static final int IN_FLIGHT = 16;
  /** About what the service leaves queued after a saturated window of 10 s (1,900 accepted/s, under 200 stored/s). */
  private static final int BACKLOG = 20_000;
  private static final String BODY = "{\"v\":1,\"id\":\"01a20e66-3c3b-766f-b1ef-08a49545cc1d\",\"name\":\"Pen\","
      + "\"price\":\"1.99\",\"currency\":\"USD\",\"createdAt\":\"2026-11-24T16:31:56.168456659Z\"}";
  /** Products per pack, as the service packs a bulk request's products by default. */
  private static final int PACK = 100;
  /** A pack of {@link #PACK} products as the service writes it (time and trace once, then the entries). */
  private static final String PACK_BODY = "{\"v\":2,\"createdAt\":\"2026-11-24T16:31:56.168456659Z\",\"tp\":"
      + "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\",\"products\":["
      + String.join(",", java.util.Collections.nCopies(PACK, "{\"id\":\"01a20e66-3c3b-766f-b1ef-08a49545cc1d\","
          + "\"name\":\"Bench 123456789-1234-56\",\"price\":\"1.99\",\"currency\":\"USD\","
          + "\"description\":\"Blue ink\",\"category\":\"bench\"}")) + "]}";

  private EmulatorCeiling() {}

  public static void main(String[] args) throws Exception {
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b"));
    int seconds = Integer.parseInt(args[3]);
    int warmRounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
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
      Pipeline pipeline = new Pipeline(sqs, ddb, s3, table, bucket, counter);
      String perProductQueue = sqs.createQueue(b -> b.queueName("ceiling-per-product-" + run)).join().queueUrl();
      String batchedQueue = sqs.createQueue(b -> b.queueName("ceiling-batched-" + run)).join().queueUrl();
      String naiveQueue = sqs.createQueue(b -> b.queueName("ceiling-naive-" + run)).join().queueUrl();
      String packedQueue = sqs.createQueue(b -> b.queueName("ceiling-packed-" + run)).join().queueUrl();
      String packedBatchedQueue = sqs.createQueue(b -> b.queueName("ceiling-packed-batched-" + run)).join().queueUrl();
      // the servers' own JIT makes a cold run up to twice as slow: the service is measured against servers warmed by
      // minutes of load, so the ceilings are too (every path, full windows, before the measured round)
      for (int round = 1; round <= warmRounds + 1; round++) {
        boolean measure = round > warmRounds;
        double send = rate(seconds, 10, () -> sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries(10))));
        double receive = rate(seconds, 1, () -> sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                .waitTimeSeconds(0))
            .thenCompose(r -> r.messages().isEmpty() ? CompletableFuture.completedFuture(0)
                : deleteAll(sqs, queue, r.messages())));
        double batchWrite = rate(seconds, 25, () -> ddb.batchWriteItem(b -> b.requestItems(Map.of(table,
            items(counter, 25)))));
        double putItem = rate(seconds, 1, () -> ddb.putItem(b -> b.tableName(table).item(item(counter))));
        double putObject = rate(seconds, 1, () -> s3.putObject(b -> b.bucket(bucket)
            .key("reports/" + counter.incrementAndGet() + ".txt").contentType("text/plain"),
            AsyncRequestBody.fromString(BODY + BODY)));
        double perProduct = rate(seconds, 0, () -> pipeline.batched(perProductQueue, false));
        double batched = rate(seconds, 0, () -> pipeline.batched(batchedQueue, true));
        double naive = rate(seconds, 0, () -> pipeline.naive(naiveQueue));
        double packed = rate(seconds, 0, () -> pipeline.packed(packedQueue, 1, false));
        double packedBatched = rate(seconds, 0, () -> pipeline.packed(packedBatchedQueue, 10, true));
        if (!measure) {
          System.err.printf("warm-up round %d: send %.0f, receive+delete %.0f, put object %.0f, pipelines %.0f / %.0f"
              + " / %.0f per s%n", round, send, receive, putObject, perProduct, batched, naive);
        } else {
          System.out.printf("pipeline_per_product_per_s=%.0f%n", perProduct);
          System.out.printf("pipeline_batched_per_s=%.0f%n", batched);
          System.out.printf("pipeline_naive_per_s=%.0f%n", naive);
          System.out.printf("pipeline_packed_per_s=%.0f%n", packed);
          System.out.printf("pipeline_packed_batched_per_s=%.0f%n", packedBatched);
          System.out.printf("sqs_send_batch_msgs_per_s=%.0f%n", send);
          System.out.printf("sqs_receive_delete_msgs_per_s=%.0f%n", receive);
          System.out.printf("ddb_batch_write_items_per_s=%.0f%n", batchWrite);
          System.out.printf("ddb_put_item_per_s=%.0f%n", putItem);
          System.out.printf("s3_put_object_per_s=%.0f%n", putObject);
        }
      }
      // the drain loops only in the measured round: they make the pipelines' calls, which warmed the servers above
      System.out.printf("drain_per_product_per_s=%.0f%n", drain(sqs, perProductQueue, seconds,
          () -> pipeline.consume(perProductQueue, false)));
      System.out.printf("drain_batched_per_s=%.0f%n", drain(sqs, batchedQueue, seconds,
          () -> pipeline.consume(batchedQueue, true)));
      System.out.printf("drain_naive_per_s=%.0f%n", drain(sqs, naiveQueue, seconds,
          () -> pipeline.consumeOne(naiveQueue)));
      System.out.printf("drain_packed_per_s=%.0f%n", drainPacks(sqs, packedQueue, seconds,
          () -> pipeline.consumePacks(packedQueue, 1, false)));
      System.out.printf("drain_packed_batched_per_s=%.0f%n", drainPacks(sqs, packedBatchedQueue, seconds,
          () -> pipeline.consumePacks(packedBatchedQueue, 10, true)));
    }
  }

  /** Calls per second times {@code perCall} units (or the units each call reports) over the window. */
  private static double rate(int seconds, int perCall, Supplier<CompletableFuture<?>> call) throws Exception {
    return rate(seconds, Long.MAX_VALUE, perCall, call);
  }

  /** As above, ending early once {@code limit} units are done. */
  private static double rate(int seconds, long limit, int perCall, Supplier<CompletableFuture<?>> call)
      throws Exception {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong units = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    while (System.nanoTime() < end && units.get() < limit) {
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

  /**
   * Products per second a consumer step takes off a queue filled with {@link #BACKLOG} products beforehand, until
   * the backlog is gone or the window ends. What is left is then received and deleted (not timed), so that the next
   * loop starts clean: PurgeQueue would not do, as the local SQS server keeps purged messages in its file.
   */
  private static double drain(SqsAsyncClient sqs, String queue, int seconds, Supplier<CompletableFuture<Integer>> step)
      throws Exception {
    AtomicLong sent = new AtomicLong();
    rate(120, BACKLOG, 10, () -> sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries(10)))
        .thenRun(() -> sent.addAndGet(10)));
    AtomicLong taken = new AtomicLong();
    double perSecond = rate(seconds, sent.get(), 0, () -> step.get().thenApply(n -> {
      taken.addAndGet(n);
      return n;
    }));
    rate(120, sent.get() - taken.get(), 0, () -> sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
            .waitTimeSeconds(0))
        .thenCompose(r -> r.messages().isEmpty() ? CompletableFuture.completedFuture(0)
            : deleteAll(sqs, queue, r.messages())));
    return perSecond;
  }

  /** As {@link #drain}, with the backlog queued as packs of {@link #PACK} products. */
  private static double drainPacks(SqsAsyncClient sqs, String queue, int seconds,
                                   Supplier<CompletableFuture<Integer>> step) throws Exception {
    AtomicLong sent = new AtomicLong();
    rate(120, BACKLOG, 10 * PACK, () -> sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(packs(10)))
        .thenRun(() -> sent.addAndGet(10 * PACK)));
    AtomicLong taken = new AtomicLong();
    double perSecond = rate(seconds, sent.get(), 0, () -> step.get().thenApply(n -> {
      taken.addAndGet(n);
      return n;
    }));
    rate(120, (sent.get() - taken.get()) / PACK, 0, () -> sqs.receiveMessage(b -> b.queueUrl(queue)
            .maxNumberOfMessages(10).waitTimeSeconds(0))
        .thenCompose(r -> r.messages().isEmpty() ? CompletableFuture.completedFuture(0)
            : deleteAll(sqs, queue, r.messages())));
    return perSecond;
  }

  /**
   * One step of a pipeline: send products, receive, store them (table and reports), delete the messages; completes
   * with the number of products stored. With 16 steps in flight sends and receives stay balanced, so the queue holds
   * no backlog and every product pays all its calls within the window.
   */
  private record Pipeline(SqsAsyncClient sqs, DynamoDbAsyncClient ddb, S3AsyncClient s3, String table, String bucket,
                          AtomicLong counter) {
    /** The batching modes: SendMessageBatch(10), ReceiveMessage(10), BatchWriteItem, reports, DeleteMessageBatch. */
    CompletableFuture<Integer> batched(String queue, boolean oneReportPerBatch) {
      return sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries(10)))
          .thenCompose(sent -> consume(queue, oneReportPerBatch));
    }

    /** The consumer's part of a batching mode: receive ten, store them (table and reports), delete them. */
    CompletableFuture<Integer> consume(String queue, boolean oneReportPerBatch) {
      return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(0))
          .thenCompose(received -> {
            List<Message> messages = received.messages();
            if (messages.isEmpty()) {
              return CompletableFuture.completedFuture(0);
            }
            CompletableFuture<?> items = ddb.batchWriteItem(b -> b.requestItems(Map.of(table,
                items(counter, messages.size()))));
            CompletableFuture<?> reports = oneReportPerBatch
                ? putReport(String.join("\n", messages.stream().map(Message::body).toList()))
                : CompletableFuture.allOf(messages.stream().map(m -> putReport(m.body())).toArray(CompletableFuture[]::new));
            return CompletableFuture.allOf(items, reports)
                .thenCompose(stored -> deleteAll(sqs, queue, messages));
          });
    }

    /**
     * Packed modes: one SendMessageBatch of {@code packs} packs of {@link #PACK} products, then the consumer's part.
     * Per-product reports send one pack per step, so that sixteen steps in flight do not queue thousands of puts.
     */
    CompletableFuture<Integer> packed(String queue, int packs, boolean oneReportPerGroup) {
      return sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(packs(packs)))
          .thenCompose(sent -> consumePacks(queue, packs, oneReportPerGroup));
    }

    /**
     * The consumer's part of a packed mode: receive up to {@code packs} packs, BatchWriteItem calls of 25 at once for
     * their products, one report object for all of them or one per product, one DeleteMessageBatch.
     */
    CompletableFuture<Integer> consumePacks(String queue, int packs, boolean oneReportPerGroup) {
      return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(packs).waitTimeSeconds(0))
          .thenCompose(received -> {
            List<Message> messages = received.messages();
            if (messages.isEmpty()) {
              return CompletableFuture.completedFuture(0);
            }
            int products = messages.size() * PACK;
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int written = 0; written < products; written += 25) {
              calls.add(ddb.batchWriteItem(b -> b.requestItems(Map.of(table, items(counter, 25)))));
            }
            if (oneReportPerGroup) {
              calls.add(putReport(String.join("\n", messages.stream().map(Message::body).toList())));
            } else {
              for (int i = 0; i < products; i++) {
                calls.add(putReport(BODY));
              }
            }
            return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenCompose(stored -> deleteAll(sqs, queue, messages))
                .thenApply(deleted -> products);
          });
    }

    /** Naive mode: SendMessage, ReceiveMessage(1), PutItem, PutObject, DeleteMessage per product. */
    CompletableFuture<Integer> naive(String queue) {
      return sqs.sendMessage(b -> b.queueUrl(queue).messageBody(BODY)).thenCompose(sent -> consumeOne(queue));
    }

    /** The consumer's part of naive mode: receive one, PutItem, PutObject, delete it. */
    CompletableFuture<Integer> consumeOne(String queue) {
      return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(1).waitTimeSeconds(0))
          .thenCompose(received -> {
            if (received.messages().isEmpty()) {
              return CompletableFuture.completedFuture(0);
            }
            Message message = received.messages().get(0);
            return CompletableFuture.allOf(ddb.putItem(b -> b.tableName(table).item(item(counter))),
                    putReport(message.body()))
                .thenCompose(stored -> sqs.deleteMessage(d -> d.queueUrl(queue).receiptHandle(message.receiptHandle())))
                .thenApply(deleted -> 1);
          });
    }

    private CompletableFuture<?> putReport(String content) {
      return s3.putObject(b -> b.bucket(bucket).key("reports/" + counter.incrementAndGet() + ".json")
          .contentType("application/json"), AsyncRequestBody.fromString(content));
    }
  }

  /** One DeleteMessageBatch for the received messages; completes with how many there were. */
  private static CompletableFuture<Integer> deleteAll(SqsAsyncClient sqs, String queue, List<Message> messages) {
    return sqs.deleteMessageBatch(d -> d.queueUrl(queue).entries(messages.stream()
            .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle())
                .build()).toList()))
        .thenApply(deleted -> messages.size());
  }

  private static List<SendMessageBatchRequestEntry> entries(int n) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(BODY).build());
    }
    return entries;
  }

  private static List<SendMessageBatchRequestEntry> packs(int n) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(PACK_BODY).build());
    }
    return entries;
  }

  /** An item with the attributes the service writes for a product of the benchmark's load. */
  private static Map<String, AttributeValue> item(AtomicLong counter) {
    long n = counter.incrementAndGet();
    return Map.ofEntries(Map.entry("id", AttributeValue.fromS("01a20e66-3c3b-766f-b1ef-" + String.format("%012d", n))),
        Map.entry("name", AttributeValue.fromS("Bench 123456789-1234-" + n)),
        Map.entry("description", AttributeValue.fromS("Blue ink")), Map.entry("price", AttributeValue.fromN("1.99")),
        Map.entry("currency", AttributeValue.fromS("USD")), Map.entry("category", AttributeValue.fromS("bench")),
        Map.entry("createdAt", AttributeValue.fromS("2026-11-24T16:31:56.168456659Z")),
        Map.entry("storedAt", AttributeValue.fromS("2026-11-24T16:31:56.268456659Z")),
        Map.entry("reportKey", AttributeValue.fromS("reports/batches/0f1e2d3c4b5a69788796a5b4c3d2e1f0.txt")),
        Map.entry("reportOffset", AttributeValue.fromN(Long.toString(n % 1000 * 230))),
        Map.entry("reportLength", AttributeValue.fromN("230")));
  }

  private static List<WriteRequest> items(AtomicLong counter, int n) {
    List<WriteRequest> writes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(counter)).build()).build());
    }
    return writes;
  }
}
