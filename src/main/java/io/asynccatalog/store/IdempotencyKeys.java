package io.asynccatalog.store;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductJson;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Client idempotency keys, kept durably in DynamoDB so that every instance sees them: one conditional PutItem claims
 * a key for a product, and a repeat within the window gets the first product back. Records carry an
 * {@code expiresAt} TTL attribute; an expired record counts as absent even before DynamoDB deletes it.
 */
public final class IdempotencyKeys {
  public static final String KEY = "key";
  public static final String EXPIRES_AT = "expiresAt";

  private final DynamoDbAsyncClient dynamoDb;
  private final CircuitBreaker breaker;
  private final String tableName;
  private final Duration window;

  public IdempotencyKeys(DynamoDbAsyncClient dynamoDb, CircuitBreaker breaker, String tableName, Duration window) {
    this.dynamoDb = dynamoDb;
    this.breaker = breaker;
    this.tableName = tableName;
    this.window = window;
  }

  /**
   * The outcome of a claim. {@code first} is true when this request claimed the key; otherwise {@code product} is
   * the product of the earlier request and {@code requestHash} the hash of its body.
   */
  public record Claim(boolean first, Product product, String requestHash) {}

  public Future<Claim> claim(String key, String requestHash, Product product) {
    Instant now = Instant.now();
    Map<String, AttributeValue> item = Map.of(
        KEY, AttributeValue.fromS(key),
        "productId", AttributeValue.fromS(product.id()),
        "requestHash", AttributeValue.fromS(requestHash),
        "message", AttributeValue.fromS(ProductJson.toMessage(product)),
        "createdAt", AttributeValue.fromS(now.toString()),
        EXPIRES_AT, AttributeValue.fromN(Long.toString(now.plus(window).getEpochSecond())));
    return breaker.<Claim>execute(() -> AwsFutures.bridge(dynamoDb.putItem(b -> b.tableName(tableName).item(item)
            .conditionExpression("attribute_not_exists(#k) OR #e < :now")
            .expressionAttributeNames(Map.of("#k", KEY, "#e", EXPIRES_AT))
            .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
        .map(claimed -> new Claim(true, product, requestHash))
        .recover(error -> {
          if (Dependencies.unwrap(error) instanceof ConditionalCheckFailedException taken && taken.hasItem()) {
            Map<String, AttributeValue> old = taken.item();
            return Future.succeededFuture(new Claim(false, ProductJson.fromMessage(old.get("message").s()),
                old.get("requestHash").s()));
          }
          return Future.failedFuture(error);
        }));
  }
}
