package io.asynccatalog.local.dynamodb;

import io.asynccatalog.local.H2Files;
import io.vertx.core.json.JsonObject;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tables and items on an H2 MVStore file: one sorted map per table, keyed by the partition key's storage form,
 * holding each item's wire JSON. Every write is committed before it is acknowledged, so an acknowledged write
 * survives the process.
 */
final class TableStore implements AutoCloseable {
  private final MVStore store;
  private final MVMap<String, String> tables;
  private final Map<String, Table> open = new ConcurrentHashMap<>();

  /** One table: its description, key, lock for conditional writes, and items. */
  record Table(String name, String keyName, String keyType, JsonObject description, MVMap<String, String> items) {}

  TableStore(Path file) {
    MVStore.Builder builder = new MVStore.Builder();
    if (file != null) {
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      builder.fileName(file.toString());
    }
    this.store = builder.open();
    store.setRetentionTime(H2Files.RETENTION_MS); // every write commits: reuse replaced space soon
    this.tables = store.openMap("tables");
  }

  Table table(String name) {
    Table table = open.get(name);
    if (table != null) {
      return table;
    }
    String description = tables.get(name);
    if (description == null) {
      throw DynamoDbException.notFound(name);
    }
    return open.computeIfAbsent(name, n -> load(n, new JsonObject(description)));
  }

  synchronized Table create(String name, JsonObject description, String keyName, String keyType) {
    if (tables.containsKey(name)) {
      throw DynamoDbException.inUse("Table already exists: " + name);
    }
    tables.put(name, description.encode());
    commit();
    return table(name);
  }

  synchronized void updateDescription(String name, JsonObject description) {
    table(name);
    tables.put(name, description.encode());
    open.remove(name);
    commit();
  }

  synchronized void drop(String name) {
    Table table = table(name);
    tables.remove(name);
    open.remove(name);
    store.removeMap(table.items());
    commit();
  }

  List<String> tableNames() {
    return tables.keyList().stream().sorted().toList();
  }

  void commit() {
    store.commit();
  }

  @Override
  public void close() {
    store.close();
  }

  private Table load(String name, JsonObject description) {
    JsonObject key = description.getJsonArray("KeySchema").getJsonObject(0);
    String keyName = key.getString("AttributeName");
    String keyType = description.getJsonArray("AttributeDefinitions").stream()
        .map(JsonObject.class::cast)
        .filter(d -> d.getString("AttributeName").equals(keyName))
        .map(d -> d.getString("AttributeType"))
        .findFirst().orElseThrow();
    return new Table(name, keyName, keyType, description, store.openMap("items:" + name));
  }
}
