package io.asynccatalog.store;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.domain.StoredProduct;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The product table in DynamoDB. Writes are unconditional puts of items fully determined at ingest, so a redelivered
 * product overwrites its own item and never creates a second one; that is what lets the savers use BatchWriteItem
 * (25 items per call, the calls of a group at once). A call DynamoDB refuses as a whole (one item it cannot take) is
 * split into single puts, so that the bad item fails alone. Items DynamoDB leaves unprocessed (throttling) are sent
 * again after a backoff until the save's deadline; what is left then fails as DynamoDB's fault, not the product's.
 */
public final class DynamoDbProductStore implements ProductStore {
  /** BatchWriteItem's own limit. */
  public static final int MAX_BATCH = 25;
  /** BatchGetItem's own limit. */
  private static final int MAX_GET = 100;
  private static final int UNPROCESSED_RETRIES = 4;
  private static final long FIRST_RETRY_DELAY_MS = 25;
  /** Less time than this left before the deadline: no call is started, its answer would come too late. */
  private static final long MIN_CALL_MILLIS = 50;

  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamoDb;
  private final CircuitBreaker breaker;
  private final String tableName;
  private final boolean batching;
  private final Duration callTimeout;

  /** {@code batching} false is naive mode, for comparison only: one PutItem per product. */
  public DynamoDbProductStore(Vertx vertx, DynamoDbAsyncClient dynamoDb, CircuitBreaker breaker, String tableName,
                              boolean batching, Duration callTimeout) {
    this.vertx = vertx;
    this.callTimeout = callTimeout;
    this.dynamoDb = dynamoDb;
    this.breaker = breaker;
    this.tableName = tableName;
    this.batching = batching;
  }

  @Override
  public String dependency() {
    return "dynamodb";
  }

  @Override
  public Future<Written> putAll(List<StoredProduct> products, Deadline deadline) {
    Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
    for (StoredProduct p : products) {
      items.put(p.product().id(), ProductItems.toItem(p.product(), p.storedAt(), p.report()));
    }
    List<String> ids = new ArrayList<>(items.keySet());
    int size = batching ? MAX_BATCH : 1;
    List<List<String>> chunks = new ArrayList<>();
    List<Future<Written>> calls = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += size) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + size));
      Map<String, Map<String, AttributeValue>> chunkItems = new LinkedHashMap<>();
      chunk.forEach(id -> chunkItems.put(id, items.get(id)));
      chunks.add(chunk);
      calls.add(batching ? writeBatch(chunkItems, deadline) : putOneByOne(chunkItems, deadline));
    }
    return Future.join(calls).transform(done -> calls.stream().allMatch(c -> c.failed() && Dependencies.isOutage(c.cause()))
        ? Future.failedFuture(calls.get(0).cause())
        : Future.succeededFuture(merge(chunks, calls)));
  }

  /** One BatchWriteItem; refused as a whole (not an outage), its items are tried one by one to find the bad one. */
  private Future<Written> writeBatch(Map<String, Map<String, AttributeValue>> items, Deadline deadline) {
    List<WriteRequest> requests = new ArrayList<>(items.size());
    items.values().forEach(item -> requests.add(WriteRequest.builder()
        .putRequest(PutRequest.builder().item(item).build()).build()));
    return write(requests, 0, deadline)
        .map(unprocessed -> {
          Map<String, Failure> failed = new HashMap<>();
          unprocessed.forEach(r -> failed.put(r.putRequest().item().get(ProductItems.ID).s(), Failure.ofDependency(
              "DynamoDB left the item unprocessed (throttled) until the save's deadline")));
          Set<String> written = new HashSet<>(items.keySet());
          written.removeAll(failed.keySet());
          return new Written(written, failed);
        })
        .recover(error -> items.size() > 1 && !Dependencies.isOutage(error)
            ? putOneByOne(items, deadline)
            : Future.failedFuture(error));
  }

  /**
   * One BatchWriteItem, then again for the items DynamoDB left unprocessed, after an exponential backoff with full
   * jitter, as long as the deadline allows; succeeds with the items still not written then. A response that leaves
   * items unprocessed is throttling: the breaker counts it as it counts the exception form of throttling, so that
   * the consumers stop taking work the table cannot take (and the products' tries are not spent on it).
   */
  private Future<List<WriteRequest>> write(List<WriteRequest> requests, int attempt, Deadline deadline) {
    return breaker.<List<WriteRequest>>execute(() -> AwsFutures.bridge(dynamoDb.batchWriteItem(b -> b
                .requestItems(Map.of(tableName, requests))
                .overrideConfiguration(o -> o.apiCallTimeout(deadline.callTimeout(callTimeout)))))
            .compose(response -> {
              List<WriteRequest> left = unprocessed(response);
              return left.isEmpty() ? Future.succeededFuture(left) : Future.failedFuture(new Unprocessed(left));
            }))
        .recover(error -> {
          List<WriteRequest> left = error instanceof Unprocessed unprocessed ? unprocessed.requests : requests;
          if (!(error instanceof Unprocessed) && attempt == 0) {
            return Future.failedFuture(error);
          }
          long delay = UnprocessedBackoff.delayMillis(attempt);
          if (!(error instanceof Unprocessed) || deadline.remaining().toMillis() < delay + MIN_CALL_MILLIS) {
            return Future.succeededFuture(left); // what earlier calls wrote stays written; the rest is handed on
          }
          return vertx.timer(Math.max(1, delay)).compose(v -> write(left, attempt + 1, deadline));
        });
  }

  /** The items a BatchWriteItem left unprocessed, as a failure the breaker counts. */
  private static final class Unprocessed extends Dependencies.Throttled {
    final List<WriteRequest> requests;

    Unprocessed(List<WriteRequest> requests) {
      super("DynamoDB left " + requests.size() + " item(s) unprocessed");
      this.requests = requests;
    }
  }

  private List<WriteRequest> unprocessed(BatchWriteItemResponse response) {
    return response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(tableName, List.of()) : List.of();
  }

  /** Single PutItem calls; fails only when every one failed for an outage. */
  private Future<Written> putOneByOne(Map<String, Map<String, AttributeValue>> items, Deadline deadline) {
    Map<String, Future<Void>> puts = new LinkedHashMap<>();
    items.forEach((id, item) -> puts.put(id, breaker.execute(() -> AwsFutures.bridge(
        dynamoDb.putItem(b -> b.tableName(tableName).item(item)
            .overrideConfiguration(o -> o.apiCallTimeout(deadline.callTimeout(callTimeout)))))).mapEmpty()));
    return Future.join(new ArrayList<>(puts.values())).transform(done -> {
      if (puts.values().stream().allMatch(put -> put.failed() && Dependencies.isOutage(put.cause()))) {
        return Future.failedFuture(puts.values().iterator().next().cause());
      }
      Set<String> written = new HashSet<>();
      Map<String, Failure> failed = new HashMap<>();
      puts.forEach((id, put) -> {
        if (put.succeeded()) {
          written.add(id);
        } else {
          failed.put(id, Dependencies.failure("DynamoDB", put.cause()));
        }
      });
      return Future.succeededFuture(new Written(written, failed));
    });
  }

  /** The calls' outcomes together; a failed call counts all its products as failed for its reason. */
  private static Written merge(List<List<String>> chunks, List<Future<Written>> calls) {
    Set<String> written = new HashSet<>();
    Map<String, Failure> failed = new HashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      Future<Written> call = calls.get(i);
      if (call.succeeded()) {
        written.addAll(call.result().written());
        failed.putAll(call.result().failed());
      } else {
        Failure failure = Dependencies.failure("DynamoDB", call.cause());
        chunks.get(i).forEach(id -> failed.put(id, failure));
      }
    }
    return new Written(written, failed);
  }

  @Override
  public Future<Page> page(int limit, String afterId) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.scan(b -> b.tableName(tableName).limit(limit)
            .exclusiveStartKey(afterId == null ? null : ProductItems.key(afterId)))))
        .map(response -> new Page(response.items().stream().map(ProductItems::fromItem).toList(),
            response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey().get(ProductItems.ID).s()
                : null));
  }

  @Override
  public Future<Optional<StoredProduct>> get(String id) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.getItem(b -> b.tableName(tableName)
            .key(ProductItems.key(id)))))
        .map(response -> response.hasItem() && !response.item().isEmpty()
            ? Optional.of(ProductItems.fromItem(response.item()))
            : Optional.empty());
  }

  @Override
  public Future<Map<String, StoredProduct>> getAll(Collection<String> ids) {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(ids));
    List<Future<Map<String, StoredProduct>>> calls = new ArrayList<>();
    for (int from = 0; from < all.size(); from += MAX_GET) {
      List<Map<String, AttributeValue>> keys = all.subList(from, Math.min(all.size(), from + MAX_GET)).stream()
          .map(ProductItems::key).toList();
      calls.add(get(keys, 0));
    }
    return Future.all(calls).map(done -> {
      Map<String, StoredProduct> found = new HashMap<>();
      calls.forEach(call -> found.putAll(call.result()));
      return found;
    });
  }

  /** One BatchGetItem, and the keys DynamoDB left unprocessed again, a few times. */
  private Future<Map<String, StoredProduct>> get(List<Map<String, AttributeValue>> keys, int attempt) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.batchGetItem(b -> b.requestItems(Map.of(tableName,
            KeysAndAttributes.builder().keys(keys).consistentRead(true).build())))))
        .compose(response -> {
          Map<String, StoredProduct> found = new HashMap<>();
          response.responses().getOrDefault(tableName, List.of())
              .forEach(item -> found.put(item.get(ProductItems.ID).s(), ProductItems.fromItem(item)));
          KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(tableName) : null;
          if (left == null || !left.hasKeys() || left.keys().isEmpty()) {
            return Future.succeededFuture(found);
          }
          if (attempt >= UNPROCESSED_RETRIES) {
            return Future.failedFuture("DynamoDB left " + left.keys().size() + " key(s) unprocessed");
          }
          return vertx.timer(FIRST_RETRY_DELAY_MS << attempt).compose(v -> get(left.keys(), attempt + 1))
              .map(more -> {
                found.putAll(more);
                return found;
              });
        });
  }
}
