package io.asynccatalog.local.dynamodb;

import io.vertx.core.json.JsonObject;

/** A DynamoDB error as the SDK expects it: an HTTP status and a {@code __type} it maps to an exception class. */
final class DynamoDbException extends RuntimeException {
  private final int status;
  private final String type;
  private final JsonObject extra;

  DynamoDbException(int status, String type, String message, JsonObject extra) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.extra = extra;
  }

  static DynamoDbException validation(String message) {
    return new DynamoDbException(400, "com.amazonaws.dynamodb.v20120810#ValidationException", message, null);
  }

  static DynamoDbException notFound(String table) {
    return new DynamoDbException(400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "Requested resource not found: Table: " + table + " not found", null);
  }

  static DynamoDbException inUse(String message) {
    return new DynamoDbException(400, "com.amazonaws.dynamodb.v20120810#ResourceInUseException", message, null);
  }

  static DynamoDbException conditionFailed(JsonObject oldItem) {
    return new DynamoDbException(400, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        "The conditional request failed", oldItem == null ? null : new JsonObject().put("Item", oldItem));
  }

  static DynamoDbException unknownOperation(String target) {
    return new DynamoDbException(400, "com.amazon.coral.service#UnknownOperationException",
        "Operation " + target + " is not supported by this emulator", null);
  }

  int status() {
    return status;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("__type", type).put("message", getMessage());
    if (extra != null) {
      json.mergeIn(extra);
    }
    return json;
  }
}
