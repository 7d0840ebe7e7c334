package io.asynccatalog.local.dynamodb;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DynamoDB server's file while the same items are written over and over, each write committed. */
class TableStoreFileTest {
  /** About what a product's item takes. */
  private static final String BODY = "x".repeat(1024);
  private static final int KEYS = 100;

  @TempDir
  Path dir;

  /**
   * Every write commits, and H2 keeps replaced parts of the file for a retention time before reusing the space:
   * with its default (45 s) the file grows by a whole chunk per commit, about 19 KB here, for as long as writes
   * come. With the store's one second it holds little more than a second's commits. The bound is per commit, so it
   * does not depend on the machine's speed; the file must reopen with the latest value of every item.
   */
  @Test
  void theFileReusesTheSpaceOfReplacedItemsAndReopensWithTheLatestValues() throws Exception {
    Path file = dir.resolve("tables");
    long commits = 0;
    try (TableStore store = new TableStore(file)) {
      JsonObject description = new JsonObject()
          .put("KeySchema", new JsonArray().add(new JsonObject().put("AttributeName", "id").put("KeyType", "HASH")))
          .put("AttributeDefinitions", new JsonArray().add(
              new JsonObject().put("AttributeName", "id").put("AttributeType", "S")));
      TableStore.Table table = store.create("Products", description, "id", "S");
      long deadline = System.nanoTime() + 6_000_000_000L;
      while (System.nanoTime() < deadline || commits < KEYS) {
        table.items().put("k" + commits % KEYS, BODY + commits);
        store.commit();
        commits++;
      }
      long size = Files.size(file);
      System.out.printf("DynamoDB server's file: %d commits of one item in 6 s, %d KB, %.2f KB per commit%n",
          commits, size / 1024, size / 1024.0 / commits);
      assertTrue(size < commits * 10 * 1024, "file of " + size / 1024 + " KB after " + commits + " commits");
    }
    try (TableStore reopened = new TableStore(file)) {
      TableStore.Table table = reopened.table("Products");
      for (long c = commits - KEYS; c < commits; c++) {
        assertEquals(BODY + c, table.items().get("k" + c % KEYS));
      }
    }
  }
}
