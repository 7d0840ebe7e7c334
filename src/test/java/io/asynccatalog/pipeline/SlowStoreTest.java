package io.asynccatalog.pipeline;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.testing.DelayProxy;
import io.asynccatalog.testing.Inspector;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalAws;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DynamoDB answering more slowly than the visibility timeout: the consumer keeps extending the visibility of the
 * batch it is storing, so no other poller receives the same messages and each product is written exactly once.
 */
class SlowStoreTest {
  private static final int VISIBILITY_SECONDS = 2;
  private static final long DYNAMODB_DELAY_MS = 5000;

  @TempDir
  Path dir;

  @Test
  void aStoreSlowerThanTheVisibilityTimeoutIsNotProcessedTwice() throws Exception {
    EmbeddedAws servers = SharedLocalAws.servers();
    try (DelayProxy slowDynamoDb = new DelayProxy(servers.dynamoDbEndpoint().getPort())) {
      AwsEnvironment env = AwsEnvironment.local(servers.sqsEndpoint(),
          URI.create("http://127.0.0.1:" + slowDynamoDb.port()), servers.s3Endpoint());
      try (RunningApp service = RunningApp.start("slowstore", dir, env, json -> json
              .put("CATALOG_VISIBILITY_TIMEOUT_SECONDS", VISIBILITY_SECONDS)
              .put("CATALOG_AWS_CALL_TIMEOUT_MS", 15_000)
              .put("CATALOG_SAVE_TIMEOUT_MS", 30_000)
              .put("CATALOG_CONSUMER_POLLERS", 4));
           Inspector inspector = new Inspector(servers.sqsEndpoint(), servers.dynamoDbEndpoint(), servers.s3Endpoint())) {
        slowDynamoDb.delay(DYNAMODB_DELAY_MS);
        List<String> ids = new ArrayList<>();
        List<String> writes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          String name = "Slow " + UUID.randomUUID();
          // the item's name as a write request carries it (a PartiQL statement's parameter, or an item attribute)
          String write = "{\"S\":\"" + name + "\"}";
          slowDynamoDb.watch(write); // before the POST: the worker writes within milliseconds
          writes.add(write);
          ids.add(new JsonObject(service.http.postJson("{\"name\":\"" + name + "\",\"price\":1}").body())
              .getString("id"));
        }
        String table = service.resources().tableName();
        Poll.until(Duration.ofSeconds(60), "the slow writes to finish and the queue to drain",
            () -> inspector.items(table).keySet().containsAll(ids)
                && service.messagesIn(service.resources().queueUrl()) == 0);
        for (String write : writes) {
          assertEquals(1, slowDynamoDb.count(write), "one write of " + write + " although each took "
              + DYNAMODB_DELAY_MS + " ms, over the " + VISIBILITY_SECONDS + " s visibility timeout");
        }
        System.out.printf("[slowstore] %d products, DynamoDB delayed %d ms, visibility %d s: writes per product = 1%n",
            ids.size(), DYNAMODB_DELAY_MS, VISIBILITY_SECONDS);
      }
    }
  }
}
