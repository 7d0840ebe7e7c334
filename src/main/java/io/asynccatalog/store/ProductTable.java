package io.asynccatalog.store;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.domain.StoredProduct;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The product table. Writes are unconditional puts of items fully determined at ingest, so a redelivered message
 * overwrites its own item and never creates a second one; that is what lets the worker use BatchWriteItem.
 */
public final class ProductTable {
  /** BatchWriteItem's own limit. */
  public static final int MAX_BATCH = 25;
  private static final int UNPROCESSED_RETRIES = 4;
  private static final long FIRST_RETRY_DELAY_MS = 25;

  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamoDb;
  private final CircuitBreaker breaker;
  private final String tableName;

  public ProductTable(Vertx vertx, DynamoDbAsyncClient dynamoDb, CircuitBreaker breaker, String tableName) {
    this.vertx = vertx;
    this.dynamoDb = dynamoDb;
    this.breaker = breaker;
    this.tableName = tableName;
  }

  /**
   * Writes up to {@link #MAX_BATCH} items in one call and retries what DynamoDB leaves unprocessed. Succeeds with
   * the ids that were written; a failed call fails the whole future.
   */
  public Future<Set<String>> putAll(List<Map<String, AttributeValue>> items) {
    if (items.size() > MAX_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_BATCH + " items per batch, got " + items.size());
    }
    List<WriteRequest> requests = new ArrayList<>(items.size());
    for (Map<String, AttributeValue> item : items) {
      requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    Set<String> ids = new HashSet<>();
    items.forEach(item -> ids.add(item.get(ProductItems.ID).s()));
    return write(requests, 0).map(unprocessed -> {
      unprocessed.forEach(request -> ids.remove(request.putRequest().item().get(ProductItems.ID).s()));
      return ids;
    });
  }

  private Future<List<WriteRequest>> write(List<WriteRequest> requests, int attempt) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(tableName,
            requests)))))
        .compose(response -> {
          List<WriteRequest> unprocessed = unprocessed(response);
          if (unprocessed.isEmpty() || attempt >= UNPROCESSED_RETRIES) {
            return Future.succeededFuture(unprocessed);
          }
          long delay = FIRST_RETRY_DELAY_MS << attempt;
          return vertx.timer(delay).compose(v -> write(unprocessed, attempt + 1));
        });
  }

  private List<WriteRequest> unprocessed(BatchWriteItemResponse response) {
    return response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(tableName, List.of()) : List.of();
  }

  /** Writes one item; used to tell a poison item from its batch when DynamoDB refuses a whole batch. */
  public Future<Void> put(Map<String, AttributeValue> item) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.putItem(b -> b.tableName(tableName).item(item))))
        .mapEmpty();
  }

  /** One page of a scan: the products, and the id to continue after (null when the scan is complete). */
  public record Page(List<StoredProduct> products, String lastId) {}

  /** Up to {@code limit} products after {@code afterId} (null: from the start), in the table's own order. */
  public Future<Page> page(int limit, String afterId) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.scan(b -> b.tableName(tableName).limit(limit)
            .exclusiveStartKey(afterId == null ? null : ProductItems.key(afterId)))))
        .map(response -> new Page(response.items().stream().map(ProductItems::fromItem).toList(),
            response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey().get(ProductItems.ID).s()
                : null));
  }

  public Future<Optional<StoredProduct>> get(String id) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.getItem(b -> b.tableName(tableName)
            .key(ProductItems.key(id)))))
        .map(response -> response.hasItem() && !response.item().isEmpty()
            ? Optional.of(ProductItems.fromItem(response.item()))
            : Optional.empty());
  }
}
