package io.asynccatalog.store;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductJson;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Idempotency keys in a DynamoDB table: one conditional PutItem claims a key, and a repeat within the window gets the
 * earlier claim back. The ids are kept as 16 bytes each, so that a claim of 10,000 products fits in an item. Records
 * carry an {@code expiresAt} TTL attribute; an expired record counts as absent even before DynamoDB deletes it.
 * Records written before bulk requests existed (one product, in {@code message}) are read too.
 */
public final class DynamoDbIdempotencyKeys implements IdempotencyStore {
  public static final String KEY = "key";
  public static final String EXPIRES_AT = "expiresAt";
  private static final String HASH = "requestHash";
  private static final String CREATED_AT = "createdAt";
  private static final String IDS = "productIds";
  private static final String QUEUED = "queued";
  /** One product's record as earlier versions wrote it; still written for one-product requests, which they read. */
  private static final String MESSAGE = "message";

  private final DynamoDbAsyncClient dynamoDb;
  private final CircuitBreaker breaker;
  private final String tableName;
  private final Duration window;

  public DynamoDbIdempotencyKeys(DynamoDbAsyncClient dynamoDb, CircuitBreaker breaker, String tableName,
                                 Duration window) {
    this.dynamoDb = dynamoDb;
    this.breaker = breaker;
    this.tableName = tableName;
    this.window = window;
  }

  @Override
  public Future<Claim> claim(String key, String requestHash, List<String> ids, Instant createdAt,
                             String legacyMessage) {
    Instant now = Instant.now();
    Map<String, AttributeValue> item = record(key, requestHash, createdAt, ids, now.plus(window), null);
    if (legacyMessage != null) {
      item.put(MESSAGE, AttributeValue.fromS(legacyMessage));
      item.put("productId", AttributeValue.fromS(ids.get(0)));
    }
    return breaker.<Claim>execute(() -> AwsFutures.bridge(dynamoDb.putItem(b -> b.tableName(tableName).item(item)
            .conditionExpression("attribute_not_exists(#k) OR #e < :now")
            .expressionAttributeNames(Map.of("#k", KEY, "#e", EXPIRES_AT))
            .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
        .map(claimed -> new Claim(true, requestHash, createdAt, ids, null))
        .recover(error -> {
          if (Dependencies.unwrap(error) instanceof ConditionalCheckFailedException taken && taken.hasItem()) {
            return Future.succeededFuture(read(taken.item()));
          }
          return Future.failedFuture(error);
        }));
  }

  /**
   * Rewrites the record with what was queued, unless the key has been claimed anew meanwhile (expired and reused). A
   * lost update only means a retry re-sends products that were already queued, which is harmless.
   */
  @Override
  public Future<Void> queued(String key, Claim claim, BitSet queued) {
    Instant expiresAt = Instant.now().plus(window);
    Map<String, AttributeValue> item = record(key, claim.requestHash(), claim.createdAt(), claim.ids(), expiresAt,
        queued);
    return breaker.<Void>execute(() -> AwsFutures.bridge(dynamoDb.putItem(b -> b.tableName(tableName).item(item)
            .conditionExpression("#h = :h AND #c = :c")
            .expressionAttributeNames(Map.of("#h", HASH, "#c", CREATED_AT))
            .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(claim.requestHash()),
                ":c", AttributeValue.fromS(claim.createdAt().toString())))))
        .mapEmpty())
        .recover(error -> Dependencies.unwrap(error) instanceof ConditionalCheckFailedException
            ? Future.succeededFuture()
            : Future.failedFuture(error));
  }

  private static Map<String, AttributeValue> record(String key, String hash, Instant createdAt, List<String> ids,
                                                    Instant expiresAt, BitSet queued) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(KEY, AttributeValue.fromS(key));
    item.put(HASH, AttributeValue.fromS(hash));
    item.put(CREATED_AT, AttributeValue.fromS(createdAt.toString()));
    item.put(IDS, AttributeValue.fromB(SdkBytes.fromByteArray(pack(ids))));
    item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
    if (queued != null) {
      item.put(QUEUED, AttributeValue.fromB(SdkBytes.fromByteArray(queued.toByteArray())));
    }
    return item;
  }

  private static Claim read(Map<String, AttributeValue> old) {
    String hash = old.get(HASH).s();
    AttributeValue ids = old.get(IDS);
    if (ids == null) { // a record of an earlier version: one product
      Product product = ProductJson.fromMessage(old.get(MESSAGE).s());
      return new Claim(false, hash, product.createdAt(), List.of(product.id()), null);
    }
    AttributeValue queued = old.get(QUEUED);
    return new Claim(false, hash, Instant.parse(old.get(CREATED_AT).s()), unpack(ids.b().asByteArray()),
        queued == null ? null : BitSet.valueOf(queued.b().asByteArray()));
  }

  static byte[] pack(List<String> ids) {
    ByteBuffer bytes = ByteBuffer.allocate(16 * ids.size());
    for (String id : ids) {
      UUID uuid = UUID.fromString(id);
      bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    }
    return bytes.array();
  }

  static List<String> unpack(byte[] packed) {
    ByteBuffer bytes = ByteBuffer.wrap(packed);
    List<String> ids = new ArrayList<>(packed.length / 16);
    while (bytes.remaining() >= 16) {
      ids.add(new UUID(bytes.getLong(), bytes.getLong()).toString());
    }
    return ids;
  }
}
