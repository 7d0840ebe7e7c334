package io.asynccatalog.store;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.aws.BatchStatements;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Deadline;
import io.asynccatalog.domain.Failure;
import io.asynccatalog.domain.StoredProduct;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The product table in DynamoDB. Each record is written on a condition: on the revision read, or on the item's
 * absence, so that a saver that merged writes into a product never overwrites what another saver wrote meanwhile
 * (BatchWriteItem takes no conditions); {@link FencedWrites} says in which calls. A failed condition is a conflict,
 * not a failure: the converger reads the item again and merges again. Reads of records are strongly consistent
 * BatchGetItem calls of up to 100 keys; keys DynamoDB leaves unprocessed (throttling) are asked again after a
 * backoff until the deadline.
 */
public final class DynamoDbProductStore implements ProductStore {
  /** BatchGetItem's own limit. */
  private static final int MAX_GET = 100;

  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamoDb;
  private final CircuitBreaker breaker;
  private final String tableName;
  private final Duration callTimeout;
  private final FencedWrites writes;

  /** {@code writeMode}: {@code batch-statements} (PartiQL, 25 a call) or {@code put-item} (a call per record). */
  public DynamoDbProductStore(Vertx vertx, DynamoDbAsyncClient dynamoDb, CircuitBreaker breaker, String tableName,
                              Duration callTimeout, String writeMode) {
    this(vertx, dynamoDb, BatchStatements.sdk(dynamoDb), breaker, tableName, callTimeout, writeMode);
  }

  /** {@code statementCalls}: how the PartiQL batches reach DynamoDB (through the SDK's client or directly). */
  public DynamoDbProductStore(Vertx vertx, DynamoDbAsyncClient dynamoDb, BatchStatements statementCalls,
                              CircuitBreaker breaker, String tableName, Duration callTimeout, String writeMode) {
    this.vertx = vertx;
    this.callTimeout = callTimeout;
    this.dynamoDb = dynamoDb;
    this.breaker = breaker;
    this.tableName = tableName;
    this.writes = FencedWrites.named(writeMode, new ConditionalPuts(dynamoDb, breaker, tableName, callTimeout),
        new PartiqlBatches(vertx, statementCalls, breaker, tableName, callTimeout));
  }

  @Override
  public String dependency() {
    return "dynamodb";
  }

  @Override
  public Future<Written> write(List<Change> changes, Deadline deadline) {
    Set<String> written = new HashSet<>();
    Set<String> conflicts = new HashSet<>();
    Map<String, Failure> failed = new HashMap<>();
    List<List<Change>> calls = new ArrayList<>();
    for (int from = 0; from < changes.size(); from += writes.perCall()) {
      calls.add(changes.subList(from, Math.min(changes.size(), from + writes.perCall())));
    }
    return waves(calls, 0, written, conflicts, failed, deadline).transform(done -> {
      if (written.isEmpty() && conflicts.isEmpty() && !failed.isEmpty()
          && failed.values().stream().allMatch(Failure::dependency) && done.failed()) {
        return Future.failedFuture(done.cause());
      }
      return Future.succeededFuture(new Written(written, conflicts, failed));
    });
  }

  /** The calls, {@link FencedWrites#callsInFlight()} at a time, none started that could not end by the deadline. */
  private Future<Void> waves(List<List<Change>> calls, int from, Set<String> written, Set<String> conflicts,
                             Map<String, Failure> failed, Deadline deadline) {
    if (from >= calls.size()) {
      return Future.succeededFuture();
    }
    List<List<Change>> rest = calls.subList(from, calls.size());
    if (deadline.remaining().toMillis() < UnprocessedBackoff.MIN_CALL_MILLIS) {
      Failure late = Failure.ofDependency("DynamoDB: not written before the save's deadline");
      rest.forEach(call -> call.forEach(c -> failed.put(c.record().id(), late)));
      return Future.succeededFuture();
    }
    List<Future<FencedWrites.Outcome>> wave = new ArrayList<>();
    for (List<Change> call : rest.subList(0, Math.min(rest.size(), writes.callsInFlight()))) {
      wave.add(writes.write(call, deadline)
          .onSuccess(outcome -> {
            written.addAll(outcome.written());
            conflicts.addAll(outcome.conflicts());
            outcome.failed().forEach((id, error) -> failed.put(id, Dependencies.failure("DynamoDB", error)));
          })
          .onFailure(error -> call.forEach(c -> failed.put(c.record().id(), Dependencies.failure("DynamoDB",
              error)))));
    }
    int next = from + wave.size();
    return Future.join(wave).transform(done -> {
      boolean allOutage = wave.stream().allMatch(w -> w.failed() && Dependencies.isOutage(w.cause()));
      if (allOutage) { // the rest would meet the same outage: it is handed on untried
        Failure failure = Dependencies.failure("DynamoDB", wave.get(0).cause());
        calls.subList(next, calls.size()).forEach(call -> call.forEach(c -> failed.put(c.record().id(), failure)));
        return Future.failedFuture(wave.get(0).cause());
      }
      return waves(calls, next, written, conflicts, failed, deadline);
    });
  }

  @Override
  public Future<Page> page(int limit, String afterId) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.scan(b -> b.tableName(tableName).limit(limit)
            .exclusiveStartKey(afterId == null ? null : ProductItems.key(afterId)))))
        .map(response -> new Page(response.items().stream().map(ProductItems::fromItem)
            .filter(ProductRecord::visible).map(ProductRecord::shown).toList(),
            response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey().get(ProductItems.ID).s()
                : null));
  }

  @Override
  public Future<Optional<StoredProduct>> get(String id) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.getItem(b -> b.tableName(tableName)
            .key(ProductItems.key(id)))))
        .map(response -> response.hasItem() && !response.item().isEmpty()
            ? Optional.of(ProductItems.fromItem(response.item())).filter(ProductRecord::visible)
                .map(ProductRecord::shown)
            : Optional.empty());
  }

  @Override
  public Future<Map<String, ProductRecord>> records(Collection<String> ids, Deadline deadline) {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(ids));
    List<Future<Map<String, ProductRecord>>> calls = new ArrayList<>();
    for (int from = 0; from < all.size(); from += MAX_GET) {
      List<Map<String, AttributeValue>> keys = all.subList(from, Math.min(all.size(), from + MAX_GET)).stream()
          .map(ProductItems::key).toList();
      calls.add(get(keys, 0, deadline));
    }
    return Future.all(calls).map(done -> {
      Map<String, ProductRecord> found = new HashMap<>();
      calls.forEach(call -> found.putAll(call.result()));
      return found;
    });
  }

  /** One BatchGetItem, and the keys DynamoDB left unprocessed again, a few times, within the deadline. */
  private Future<Map<String, ProductRecord>> get(List<Map<String, AttributeValue>> keys, int attempt,
                                                 Deadline deadline) {
    return breaker.execute(() -> AwsFutures.bridge(dynamoDb.batchGetItem(b -> b.requestItems(Map.of(tableName,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build()))
            .overrideConfiguration(o -> o.apiCallTimeout(deadline.callTimeout(callTimeout))))))
        .compose(response -> {
          Map<String, ProductRecord> found = new HashMap<>();
          response.responses().getOrDefault(tableName, List.of())
              .forEach(item -> found.put(item.get(ProductItems.ID).s(), ProductItems.fromItem(item)));
          KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(tableName) : null;
          if (left == null || !left.hasKeys() || left.keys().isEmpty()) {
            return Future.succeededFuture(found);
          }
          long delay = UnprocessedBackoff.delayMillis(attempt);
          if (attempt >= UnprocessedBackoff.RETRIES
              || deadline.remaining().toMillis() < delay + UnprocessedBackoff.MIN_CALL_MILLIS) {
            return Future.failedFuture(new Dependencies.Throttled(
                "DynamoDB left " + left.keys().size() + " key(s) unprocessed"));
          }
          return vertx.timer(Math.max(1, delay)).compose(v -> get(left.keys(), attempt + 1, deadline))
              .map(more -> {
                found.putAll(more);
                return found;
              });
        });
  }
}
