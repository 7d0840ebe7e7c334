package io.asynccatalog.local.dynamodb;

import io.asynccatalog.local.dynamodb.TableStore.Table;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The DynamoDB operations this emulator serves, on wire JSON: table management (CreateTable, DescribeTable,
 * DeleteTable, ListTables, UpdateTimeToLive, DescribeTimeToLive) and items on partition-key tables (PutItem,
 * GetItem, DeleteItem, BatchWriteItem, BatchGetItem, Scan) and PartiQL writes in BatchExecuteStatement ({@link
 * PartiqlWrite}). Anything else is an UnknownOperationException.
 */
final class DynamoDbOperations {
  private static final int MAX_BATCH_WRITE = 25;
  private static final int MAX_BATCH_GET = 100;
  private static final int MAX_PAGE_BYTES = 1024 * 1024;

  private final TableStore store;
  private final String region;

  DynamoDbOperations(TableStore store, String region) {
    this.store = store;
    this.region = region;
  }

  JsonObject call(String operation, JsonObject request) {
    return switch (operation) {
      case "CreateTable" -> createTable(request);
      case "DescribeTable" -> new JsonObject().put("Table", describe(table(request)));
      case "DeleteTable" -> deleteTable(request);
      case "ListTables" -> listTables(request);
      case "UpdateTimeToLive" -> updateTimeToLive(request);
      case "DescribeTimeToLive" -> describeTimeToLive(request);
      case "PutItem" -> putItem(request);
      case "GetItem" -> getItem(request);
      case "DeleteItem" -> deleteItem(request);
      case "BatchWriteItem" -> batchWriteItem(request);
      case "BatchGetItem" -> batchGetItem(request);
      case "Scan" -> scan(request);
      case "BatchExecuteStatement" -> batchExecuteStatement(request);
      default -> throw DynamoDbException.unknownOperation(operation);
    };
  }

  private JsonObject createTable(JsonObject request) {
    String name = tableName(request);
    JsonArray keySchema = request.getJsonArray("KeySchema", new JsonArray());
    JsonArray definitions = request.getJsonArray("AttributeDefinitions", new JsonArray());
    if (keySchema.size() != 1 || !"HASH".equals(keySchema.getJsonObject(0).getString("KeyType"))) {
      throw DynamoDbException.validation("This emulator supports tables with a single HASH key only");
    }
    String keyName = keySchema.getJsonObject(0).getString("AttributeName");
    String keyType = definitions.stream().map(JsonObject.class::cast)
        .filter(d -> keyName.equals(d.getString("AttributeName")))
        .map(d -> d.getString("AttributeType"))
        .findFirst()
        .orElseThrow(() -> DynamoDbException.validation("One or more parameter values were invalid: "
            + "Some index key attributes are not defined in AttributeDefinitions"));
    if (!Set.of("S", "N", "B").contains(keyType)) {
      throw DynamoDbException.validation("Invalid key attribute type " + keyType);
    }
    String billing = request.getString("BillingMode", "PROVISIONED");
    JsonObject description = new JsonObject()
        .put("TableName", name)
        .put("TableArn", "arn:aws:dynamodb:" + region + ":000000000000:table/" + name)
        .put("TableId", java.util.UUID.nameUUIDFromBytes(name.getBytes()).toString())
        .put("TableStatus", "ACTIVE")
        .put("CreationDateTime", Instant.now().toEpochMilli() / 1000.0)
        .put("KeySchema", keySchema.copy())
        .put("AttributeDefinitions", definitions.copy())
        .put("BillingModeSummary", new JsonObject().put("BillingMode", billing))
        .put("ProvisionedThroughput", request.getJsonObject("ProvisionedThroughput",
            new JsonObject().put("ReadCapacityUnits", 0).put("WriteCapacityUnits", 0))
            .copy().put("NumberOfDecreasesToday", 0));
    Table table = store.create(name, description, keyName, keyType);
    return new JsonObject().put("TableDescription", describe(table));
  }

  private JsonObject describe(Table table) {
    return withCounts(table);
  }

  private static JsonObject withCounts(Table table) {
    JsonObject description = table.description().copy();
    description.remove("TimeToLive");
    return description.put("ItemCount", table.items().size()).put("TableSizeBytes", 0);
  }

  private JsonObject deleteTable(JsonObject request) {
    Table table = table(request);
    JsonObject description = withCounts(table).put("TableStatus", "DELETING");
    store.drop(table.name());
    return new JsonObject().put("TableDescription", description);
  }

  private JsonObject listTables(JsonObject request) {
    String start = request.getString("ExclusiveStartTableName");
    int limit = request.getInteger("Limit", 100);
    JsonArray names = new JsonArray();
    String last = null;
    for (String name : store.tableNames()) {
      if (start != null && name.compareTo(start) <= 0) {
        continue;
      }
      if (names.size() == limit) {
        return new JsonObject().put("TableNames", names).put("LastEvaluatedTableName", last);
      }
      names.add(name);
      last = name;
    }
    return new JsonObject().put("TableNames", names);
  }

  private JsonObject updateTimeToLive(JsonObject request) {
    Table table = table(request);
    JsonObject spec = request.getJsonObject("TimeToLiveSpecification");
    if (spec == null || spec.getString("AttributeName") == null || spec.getBoolean("Enabled") == null) {
      throw DynamoDbException.validation("TimeToLiveSpecification needs AttributeName and Enabled");
    }
    store.updateDescription(table.name(), table.description().copy().put("TimeToLive", spec.copy()));
    return new JsonObject().put("TimeToLiveSpecification", spec);
  }

  private JsonObject describeTimeToLive(JsonObject request) {
    JsonObject spec = table(request).description().getJsonObject("TimeToLive");
    JsonObject description = spec != null && spec.getBoolean("Enabled")
        ? new JsonObject().put("TimeToLiveStatus", "ENABLED").put("AttributeName", spec.getString("AttributeName"))
        : new JsonObject().put("TimeToLiveStatus", "DISABLED");
    return new JsonObject().put("TimeToLiveDescription", description);
  }

  private JsonObject putItem(JsonObject request) {
    Table table = table(request);
    JsonObject item = request.getJsonObject("Item");
    if (item == null) {
      throw DynamoDbException.validation("1 validation error detected: Value null at 'item' failed to satisfy "
          + "constraint: Member must not be null");
    }
    AttributeValues.validateItem(item);
    String key = AttributeValues.storageKey(item, table.keyName(), table.keyType());
    ConditionExpression.Condition condition = condition(request);
    JsonObject old;
    synchronized (table) { // check and write as one step, like DynamoDB's conditional writes
      old = read(table, key);
      check(condition, old, request);
      table.items().put(key, item.encode());
    }
    store.commit();
    return returnValues(request, old);
  }

  private JsonObject getItem(JsonObject request) {
    Table table = table(request);
    JsonObject item = read(table, keyOf(table, request.getJsonObject("Key")));
    if (item == null) {
      return new JsonObject();
    }
    return new JsonObject().put("Item", project(item, request.getString("ProjectionExpression"),
        request.getJsonObject("ExpressionAttributeNames")));
  }

  private JsonObject deleteItem(JsonObject request) {
    Table table = table(request);
    String key = keyOf(table, request.getJsonObject("Key"));
    ConditionExpression.Condition condition = condition(request);
    JsonObject old;
    synchronized (table) {
      old = read(table, key);
      check(condition, old, request);
      table.items().remove(key);
    }
    store.commit();
    return returnValues(request, old);
  }

  private JsonObject batchWriteItem(JsonObject request) {
    JsonObject requestItems = request.getJsonObject("RequestItems", new JsonObject());
    int count = 0;
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, Object> entry : requestItems) {
      Table table = store.table(entry.getKey());
      for (Object o : (JsonArray) entry.getValue()) {
        count++;
        JsonObject write = (JsonObject) o;
        JsonObject put = write.getJsonObject("PutRequest");
        JsonObject item = put != null ? put.getJsonObject("Item") : write.getJsonObject("DeleteRequest").getJsonObject("Key");
        if (put != null) {
          AttributeValues.validateItem(item);
        }
        if (!seen.add(table.name() + "\u0000" + AttributeValues.storageKey(item, table.keyName(), table.keyType()))) {
          throw DynamoDbException.validation("Provided list of item keys contains duplicates");
        }
      }
    }
    if (count == 0 || count > MAX_BATCH_WRITE) {
      throw DynamoDbException.validation("1 validation error detected: Value at 'requestItems' failed to satisfy "
          + "constraint: Member must have length less than or equal to 25 and greater than or equal to 1");
    }
    for (Map.Entry<String, Object> entry : requestItems) {
      Table table = store.table(entry.getKey());
      synchronized (table) {
        for (Object o : (JsonArray) entry.getValue()) {
          JsonObject put = ((JsonObject) o).getJsonObject("PutRequest");
          if (put != null) {
            JsonObject item = put.getJsonObject("Item");
            table.items().put(AttributeValues.storageKey(item, table.keyName(), table.keyType()), item.encode());
          } else {
            JsonObject key = ((JsonObject) o).getJsonObject("DeleteRequest").getJsonObject("Key");
            table.items().remove(AttributeValues.storageKey(key, table.keyName(), table.keyType()));
          }
        }
      }
    }
    store.commit();
    return new JsonObject().put("UnprocessedItems", new JsonObject());
  }

  /**
   * Up to 25 PartiQL writes, each succeeding or failing on its own with a per-statement error code (DuplicateItem,
   * ConditionalCheckFailed, ValidationError), as DynamoDB answers them: a 200 is not a success of every statement.
   */
  private JsonObject batchExecuteStatement(JsonObject request) {
    JsonArray statements = request.getJsonArray("Statements");
    if (statements == null || statements.isEmpty() || statements.size() > MAX_BATCH_WRITE) {
      throw DynamoDbException.validation("1 validation error detected: Value at 'statements' failed to satisfy "
          + "constraint: Member must have length less than or equal to 25 and greater than or equal to 1");
    }
    List<Object> parsed = new ArrayList<>();
    Set<String> targets = new HashSet<>();
    for (Object o : statements) {
      JsonObject statement = (JsonObject) o;
      String target;
      try {
        PartiqlWrite write = PartiqlWrite.parse(statement.getString("Statement", ""),
            statement.getJsonArray("Parameters"));
        Table table = store.table(write.table());
        target = table.name() + "\u0000" + targetKey(table, write);
        parsed.add(write);
      } catch (PartiqlWrite.Invalid e) {
        parsed.add(statementError("ValidationError", e.getMessage(), null));
        continue;
      } catch (DynamoDbException e) {
        boolean missingTable = e.toJson().getString("__type").endsWith("ResourceNotFoundException");
        parsed.add(statementError(missingTable ? "ResourceNotFound" : "ValidationError", e.getMessage(), null));
        continue;
      }
      if (!targets.add(target)) {
        throw DynamoDbException.validation("Provided list of item keys contains duplicates");
      }
    }
    JsonArray responses = new JsonArray();
    for (int i = 0; i < parsed.size(); i++) {
      if (parsed.get(i) instanceof JsonObject error) {
        responses.add(error);
        continue;
      }
      PartiqlWrite write = (PartiqlWrite) parsed.get(i);
      boolean returnOld = "ALL_OLD".equals(statements.getJsonObject(i)
          .getString("ReturnValuesOnConditionCheckFailure"));
      responses.add(execute(store.table(write.table()), write, returnOld));
    }
    store.commit();
    return new JsonObject().put("Responses", responses);
  }

  private static JsonObject execute(Table table, PartiqlWrite write, boolean returnOld) {
    JsonObject done = new JsonObject().put("TableName", table.name());
    try {
      String key = targetKey(table, write);
      synchronized (table) {
        JsonObject old = read(table, key);
        if (write instanceof PartiqlWrite.Insert insert) {
          AttributeValues.validateItem(insert.item());
          if (old != null) {
            return statementError("DuplicateItem", "Duplicate primary key exists in table", null)
                .put("TableName", table.name());
          }
          table.items().put(key, insert.item().encode());
          return done;
        }
        PartiqlWrite.Update update = (PartiqlWrite.Update) write;
        boolean holds = old != null && update.where().stream().allMatch(p -> p.value() == null
            ? old.containsKey(p.attribute()) != p.missing()
            : old.containsKey(p.attribute()) && AttributeValues.equal(old.getValue(p.attribute()), p.value()));
        if (!holds) {
          return statementError("ConditionalCheckFailed", "The conditional request failed",
              returnOld ? old : null).put("TableName", table.name());
        }
        JsonObject item = old.copy();
        update.set().forEach(item::put);
        update.remove().forEach(item::remove);
        AttributeValues.validateItem(item);
        table.items().put(key, item.encode());
        return done;
      }
    } catch (PartiqlWrite.Invalid e) {
      return statementError("ValidationError", e.getMessage(), null).put("TableName", table.name());
    } catch (DynamoDbException e) {
      return statementError("ValidationError", e.getMessage(), null).put("TableName", table.name());
    }
  }

  /** The storage key a write addresses: an INSERT's key attribute, or the UPDATE's equality on it. */
  private static String targetKey(Table table, PartiqlWrite write) {
    if (write instanceof PartiqlWrite.Insert insert) {
      if (!insert.item().containsKey(table.keyName())) {
        throw new PartiqlWrite.Invalid("One or more parameter values were invalid: Missing the key "
            + table.keyName() + " in the item");
      }
      return AttributeValues.storageKey(insert.item(), table.keyName(), table.keyType());
    }
    PartiqlWrite.Update update = (PartiqlWrite.Update) write;
    if (update.set().containsKey(table.keyName()) || update.remove().contains(table.keyName())) {
      throw new PartiqlWrite.Invalid("Cannot update attribute " + table.keyName()
          + ". This attribute is part of the key");
    }
    List<PartiqlWrite.Predicate> keys = update.where().stream()
        .filter(p -> p.attribute().equals(table.keyName()) && p.value() != null).toList();
    if (keys.size() != 1) {
      throw new PartiqlWrite.Invalid("Where clause does not contain a mandatory equality on all key attributes");
    }
    return AttributeValues.storageKey(new JsonObject().put(table.keyName(), keys.get(0).value()),
        table.keyName(), table.keyType());
  }

  private static JsonObject statementError(String code, String message, JsonObject item) {
    JsonObject error = new JsonObject().put("Code", code).put("Message", message);
    if (item != null) {
      error.put("Item", item);
    }
    return new JsonObject().put("Error", error);
  }

  private JsonObject batchGetItem(JsonObject request) {
    JsonObject requestItems = request.getJsonObject("RequestItems", new JsonObject());
    JsonObject responses = new JsonObject();
    int count = 0;
    for (Map.Entry<String, Object> entry : requestItems) {
      Table table = store.table(entry.getKey());
      JsonObject spec = (JsonObject) entry.getValue();
      JsonArray found = new JsonArray();
      for (Object key : spec.getJsonArray("Keys", new JsonArray())) {
        if (++count > MAX_BATCH_GET) {
          throw DynamoDbException.validation("Too many items requested for the BatchGetItem call");
        }
        JsonObject item = read(table, keyOf(table, (JsonObject) key));
        if (item != null) {
          found.add(project(item, spec.getString("ProjectionExpression"),
              spec.getJsonObject("ExpressionAttributeNames")));
        }
      }
      responses.put(table.name(), found);
    }
    return new JsonObject().put("Responses", responses).put("UnprocessedKeys", new JsonObject());
  }

  private JsonObject scan(JsonObject request) {
    Table table = table(request);
    int limit = request.getInteger("Limit", Integer.MAX_VALUE);
    if (limit < 1) {
      throw DynamoDbException.validation("Limit must be greater than or equal to 1");
    }
    boolean countOnly = "COUNT".equals(request.getString("Select"));
    JsonObject startKey = request.getJsonObject("ExclusiveStartKey");
    Iterator<String> keys = startKey == null
        ? table.items().keyIterator(null)
        : table.items().keyIterator(table.items().higherKey(keyOf(table, startKey)));
    JsonArray items = new JsonArray();
    int count = 0;
    int bytes = 0;
    String lastKey = null;
    JsonObject lastItem = null;
    while (keys.hasNext() && count < limit && bytes < MAX_PAGE_BYTES) {
      lastKey = keys.next();
      String json = table.items().get(lastKey);
      if (json == null) {
        continue; // deleted while we scanned
      }
      lastItem = new JsonObject(json);
      bytes += json.length();
      count++;
      if (!countOnly) {
        items.add(project(lastItem, request.getString("ProjectionExpression"),
            request.getJsonObject("ExpressionAttributeNames")));
      }
    }
    JsonObject response = new JsonObject().put("Count", count).put("ScannedCount", count);
    if (!countOnly) {
      response.put("Items", items);
    }
    if (lastItem != null && keys.hasNext()) {
      response.put("LastEvaluatedKey", new JsonObject().put(table.keyName(), lastItem.getValue(table.keyName())));
    }
    return response;
  }

  private Table table(JsonObject request) {
    return store.table(tableName(request));
  }

  private static String tableName(JsonObject request) {
    String name = request.getString("TableName");
    if (name == null || !name.matches("[A-Za-z0-9_.-]{3,255}")) {
      throw DynamoDbException.validation("1 validation error detected: Value '" + name + "' at 'tableName' "
          + "failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    }
    return name;
  }

  private static String keyOf(Table table, JsonObject key) {
    if (key == null || key.size() != 1) {
      throw DynamoDbException.validation("The provided key element does not match the schema");
    }
    return AttributeValues.storageKey(key, table.keyName(), table.keyType());
  }

  private static JsonObject read(Table table, String key) {
    String json = table.items().get(key);
    return json == null ? null : new JsonObject(json);
  }

  private static ConditionExpression.Condition condition(JsonObject request) {
    String expression = request.getString("ConditionExpression");
    if (request.containsKey("Expected") || request.containsKey("ConditionalOperator")) {
      throw DynamoDbException.validation("Legacy conditional parameters (Expected) are not supported; "
          + "use ConditionExpression");
    }
    return expression == null ? null : ConditionExpression.parse(expression,
        request.getJsonObject("ExpressionAttributeNames"), request.getJsonObject("ExpressionAttributeValues"));
  }

  private static void check(ConditionExpression.Condition condition, JsonObject old, JsonObject request) {
    if (condition != null && !condition.test(old)) {
      boolean returnOld = "ALL_OLD".equals(request.getString("ReturnValuesOnConditionCheckFailure"));
      throw DynamoDbException.conditionFailed(returnOld ? old : null);
    }
  }

  private static JsonObject returnValues(JsonObject request, JsonObject old) {
    String mode = request.getString("ReturnValues", "NONE");
    if (mode.equals("ALL_OLD")) {
      return old == null ? new JsonObject() : new JsonObject().put("Attributes", old);
    }
    if (!mode.equals("NONE")) {
      throw DynamoDbException.validation("ReturnValues " + mode + " is not supported here");
    }
    return new JsonObject();
  }

  private static JsonObject project(JsonObject item, String projection, JsonObject names) {
    if (projection == null || projection.isBlank()) {
      return item;
    }
    JsonObject projected = new JsonObject();
    for (String path : List.of(projection.split(","))) {
      String name = ConditionExpression.attributeName(path.trim(), names);
      if (item.containsKey(name)) {
        projected.put(name, item.getValue(name));
      }
    }
    return projected;
  }
}
