package io.asynccatalog.store;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Deadline;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The version fence as one conditional PutItem per record: a call per product, 64 in flight per group. */
final class ConditionalPuts implements FencedWrites {
  private static final Map<String, String> ID_NAME = Map.of("#id", ProductItems.ID);
  private static final Map<String, String> ID_AND_REV_NAMES = Map.of("#id", ProductItems.ID,
      "#rev", ProductItems.REV);
  private static final Map<String, String> REV_NAME = Map.of("#rev", ProductItems.REV);

  private final DynamoDbAsyncClient dynamoDb;
  private final CircuitBreaker breaker;
  private final String tableName;
  private final Duration callTimeout;

  ConditionalPuts(DynamoDbAsyncClient dynamoDb, CircuitBreaker breaker, String tableName, Duration callTimeout) {
    this.dynamoDb = dynamoDb;
    this.breaker = breaker;
    this.tableName = tableName;
    this.callTimeout = callTimeout;
  }

  @Override
  public int perCall() {
    return 1;
  }

  @Override
  public int callsInFlight() {
    return 64;
  }

  @Override
  public Future<Outcome> write(List<ProductStore.Change> changes, Deadline deadline) {
    ProductStore.Change change = changes.get(0);
    String id = change.record().id();
    return put(change, deadline).map(written -> {
      Outcome outcome = new Outcome();
      (written ? outcome.written() : outcome.conflicts()).add(id);
      return outcome;
    });
  }

  /** True when written, false when the condition failed (someone wrote it meanwhile). */
  private Future<Boolean> put(ProductStore.Change change, Deadline deadline) {
    String condition;
    Map<String, String> names;
    Map<String, AttributeValue> values = null;
    if (change.expectedRev() == ProductRecord.ABSENT) {
      condition = "attribute_not_exists(#id)";
      names = ID_NAME;
    } else if (change.expectedRev() == 0) {
      condition = "attribute_exists(#id) AND attribute_not_exists(#rev)"; // stored before versions existed
      names = ID_AND_REV_NAMES;
    } else {
      condition = "#rev = :rev";
      names = REV_NAME;
      values = Map.of(":rev", AttributeValue.fromN(Long.toString(change.expectedRev())));
    }
    Map<String, AttributeValue> item = ProductItems.toItem(change.record());
    Map<String, AttributeValue> bound = values;
    return breaker.<Boolean>execute(() -> AwsFutures.bridge(dynamoDb.putItem(b -> b.tableName(tableName).item(item)
            .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(bound)
            .overrideConfiguration(o -> o.apiCallTimeout(deadline.callTimeout(callTimeout)))))
        .map(true)
        .recover(error -> Dependencies.unwrap(error) instanceof ConditionalCheckFailedException
            ? Future.succeededFuture(false)
            : Future.failedFuture(error)));
  }
}
