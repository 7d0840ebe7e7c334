package io.asynccatalog.local;

import io.asynccatalog.testing.Inspector;
import io.asynccatalog.testing.LoadClient;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local SQS server's file under a stream of messages, driven by the real AWS SDK client. */
class LocalSqsServerTest {
  /** A 1 KB body: about what a product with a short description takes. */
  private static final String BODY = "x".repeat(1024);

  @TempDir
  Path dir;

  /**
   * H2 keeps each replaced part of its file for a retention time before it reuses the space (45 s by default), and
   * every SQS call commits. With that default, everything written while messages flow stays in the file: about 50 KB
   * per message here, 1.5 GB after a few minutes of load. With the server's short retention the space is reused
   * and the file holds little more than a second's writes. The bound is per message passed, so it does not depend
   * on the machine's speed.
   */
  @Test
  void theDataFileReusesItsSpaceWhileMessagesStreamThrough() throws Exception {
    // a process of its own, as an operator runs it: ElasticMQ's storage layer is one per JVM, so a second server
    // in the test JVM would share the first one's file
    int port = ServiceProcess.freePort();
    try (ServiceProcess server = ServiceProcess.start(dir, Map.of("CATALOG_DATA_DIR", dir.resolve("data").toString(),
            "CATALOG_LOCAL_SQS_PORT", Integer.toString(port)), "emulators", "sqs");
         SqsClient sqs = Inspector.sqsClient(URI.create("http://127.0.0.1:" + port))) {
      Poll.until(Duration.ofSeconds(60), "the SQS server", () -> LoadClient.listening(port));
      String queue = sqs.createQueue(b -> b.queueName("stream")).queueUrl();
      int passed = streamUntil(sqs, queue, System.nanoTime() + 6_000_000_000L);
      long size = Files.size(dir.resolve("data").resolve("sqs").resolve("elasticmq.mv.db"));
      System.out.printf("local SQS server: %d messages sent, received and deleted in 6 s; data file %d KB, %.1f KB per message%n",
          passed, size / 1024, size / 1024.0 / passed);
      assertTrue(passed > 100, "messages went through: " + passed);
      assertTrue(size < passed * 30L * 1024, "data file " + size / 1024 + " KB for " + passed + " messages");
    }
  }

  /** Sends ten messages, receives and deletes what comes back, until the deadline; returns the messages deleted. */
  private static int streamUntil(SqsClient sqs, String queue, long deadlineNanos) {
    int deleted = 0;
    for (int round = 0; System.nanoTime() < deadlineNanos; round++) {
      int first = round * 10;
      sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(IntStream.range(0, 10)
          .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(first + i + BODY).build())
          .toList()));
      List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages();
      if (!batch.isEmpty()) {
        sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(batch.stream()
            .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
            .toList()));
        deleted += batch.size();
      }
    }
    return deleted;
  }
}
