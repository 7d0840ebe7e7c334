package io.asynccatalog.testing;

import io.asynccatalog.CatalogApp;
import io.asynccatalog.aws.AwsClients;
import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.CatalogResources;
import io.asynccatalog.tracing.Tracing;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A service started on the shared local servers with its own queue, table and bucket. */
public final class RunningApp implements AutoCloseable {
  public final CatalogApp app;
  public final Http http;

  private RunningApp(CatalogApp app) {
    this.app = app;
    this.http = new Http(app.httpPort());
  }

  public static RunningApp start(String name, Path dataDir, UnaryOperator<JsonObject> overrides) throws Exception {
    return start(name, dataDir, SharedLocalAws.environment(), overrides);
  }

  public static RunningApp start(String name, Path dataDir, AwsEnvironment environment,
                                 UnaryOperator<JsonObject> overrides) throws Exception {
    return start(name, dataDir, environment, Tracing.off(), overrides);
  }

  public static RunningApp start(String name, Path dataDir, AwsEnvironment environment, Tracing tracing,
                                 UnaryOperator<JsonObject> overrides) throws Exception {
    JsonObject json = overrides.apply(TestConfigs.isolated(name, dataDir));
    return new RunningApp(CatalogApp.start(TestConfigs.config(json), environment, tracing));
  }

  /** Overrides that keep products and keys in a new database of the shared PostgreSQL. */
  public static UnaryOperator<JsonObject> onPostgres(String name) {
    return json -> json.put("CATALOG_STORE", "postgres").put("CATALOG_POSTGRES_URL", SharedLocalPostgres.newDatabase(name));
  }

  /** The stored product, read through the service's own store (DynamoDB or PostgreSQL). */
  public java.util.Optional<io.asynccatalog.domain.StoredProduct> stored(String id) {
    return app.stores().products().get(id).await();
  }

  /**
   * Posts {@code products} products named "{@code name} i" in bulk requests of up to 100, each answered 202; returns
   * their ids in order.
   */
  public java.util.List<String> postProducts(String name, int products) {
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int from = 0; from < products; from += 100) {
      io.vertx.core.json.JsonArray batch = new io.vertx.core.json.JsonArray();
      for (int i = from; i < Math.min(products, from + 100); i++) {
        batch.add(new JsonObject().put("name", name + " " + i).put("price", "1.25"));
      }
      var answer = http.postBatch(new JsonObject().put("products", batch).encode());
      if (answer.statusCode() != 202) {
        throw new AssertionError("expected 202, got " + answer.statusCode() + ": " + answer.body());
      }
      new JsonObject(answer.body()).getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("id")));
    }
    return ids;
  }

  public AwsClients aws() {
    return app.clients();
  }

  public CatalogResources resources() {
    return app.resources();
  }

  /** Visible plus in-flight messages of a queue. */
  public int messagesIn(String queueUrl) {
    Map<QueueAttributeName, String> attributes = aws().sqs().getQueueAttributes(b -> b.queueUrl(queueUrl)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).join().attributes();
    return attributes.values().stream().mapToInt(Integer::parseInt).sum();
  }

  /**
   * Waits (30 s at most) until the product queue holds no message, visible or in flight: every product accepted
   * so far is then stored, since a message is deleted only after its product is.
   */
  public void awaitQueueDrained(String what) throws InterruptedException {
    Poll.until(Duration.ofSeconds(30), what, () -> messagesIn(resources().queueUrl()) == 0);
  }

  /** Products in the store (DynamoDB table or PostgreSQL table). */
  public int itemCount() {
    if (app.stores().pool() != null) {
      return app.stores().pool().query("SELECT count(*) AS n FROM products").execute().await().iterator().next()
          .getLong("n").intValue();
    }
    int count = 0;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page = aws().dynamoDb().scan(b -> b.tableName(resources().tableName()).select("COUNT")
          .exclusiveStartKey(from)).join();
      count += page.count();
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return count;
  }

  public Map<String, AttributeValue> item(String id) {
    return aws().dynamoDb().getItem(b -> b.tableName(resources().tableName())
        .key(Map.of("id", AttributeValue.fromS(id)))).join().item();
  }

  public int reportCount() {
    int count = 0;
    String token = null;
    do {
      String from = token;
      var page = aws().s3().listObjectsV2(b -> b.bucket(resources().bucketName()).continuationToken(from)).join();
      count += page.keyCount();
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    return count;
  }

  @Override
  public void close() {
    app.close();
  }
}
