package io.asynccatalog.local;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.local.dynamodb.DynamoDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DynamoDB emulator, driven by the real AWS SDK client over HTTP. */
class DynamoDbServerTest {
  @TempDir
  static Path dir;
  static DynamoDbServer server;
  static DynamoDbClient ddb;

  @BeforeAll
  static void start() throws Exception {
    server = DynamoDbServer.start(dir.resolve("tables"), "127.0.0.1", 0, "us-east-1", 2);
    ddb = client(server.port());
  }

  @AfterAll
  static void stop() {
    ddb.close();
    server.close();
  }

  static DynamoDbClient client(int port) {
    return DynamoDbClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(AwsEnvironment.LOCAL_REGION)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "thing")))
        .build();
  }

  static void createTable(String name) {
    ddb.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
  }

  static Map<String, AttributeValue> item(String id, String name) {
    return Map.of("id", AttributeValue.fromS(id), "name", AttributeValue.fromS(name),
        "price", AttributeValue.fromN("1.50"));
  }

  @Test
  void createsDescribesAndListsTables() {
    createTable("Described");
    var table = ddb.describeTable(b -> b.tableName("Described")).table();
    assertEquals("ACTIVE", table.tableStatusAsString());
    assertEquals("id", table.keySchema().get(0).attributeName());
    assertEquals(BillingMode.PAY_PER_REQUEST, table.billingModeSummary().billingMode());
    assertTrue(ddb.listTables().tableNames().contains("Described"));
    assertThrows(ResourceInUseException.class, () -> createTable("Described"));
    assertThrows(ResourceNotFoundException.class, () -> ddb.describeTable(b -> b.tableName("Missing")));
  }

  @Test
  void putsGetsAndDeletesItemsKeepingNumbersExact() {
    createTable("Items");
    ddb.putItem(b -> b.tableName("Items").item(item("a", "Pen")));
    Map<String, AttributeValue> read = ddb.getItem(b -> b.tableName("Items").key(Map.of("id", AttributeValue.fromS("a"))))
        .item();
    assertEquals("Pen", read.get("name").s());
    assertEquals(0, new java.math.BigDecimal("1.5").compareTo(new java.math.BigDecimal(read.get("price").n())));
    ddb.deleteItem(b -> b.tableName("Items").key(Map.of("id", AttributeValue.fromS("a"))));
    assertFalse(ddb.getItem(b -> b.tableName("Items").key(Map.of("id", AttributeValue.fromS("a")))).hasItem());
  }

  @Test
  void conditionalPutsAreAtomicAndReturnTheOldItem() {
    createTable("Conditional");
    ddb.putItem(b -> b.tableName("Conditional").item(item("k", "first")).conditionExpression("attribute_not_exists(id)"));
    ConditionalCheckFailedException failed = assertThrows(ConditionalCheckFailedException.class,
        () -> ddb.putItem(b -> b.tableName("Conditional").item(item("k", "second"))
            .conditionExpression("attribute_not_exists(#id)").expressionAttributeNames(Map.of("#id", "id"))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
    assertEquals("first", failed.item().get("name").s());
    ddb.putItem(b -> b.tableName("Conditional").item(item("k", "third"))
        .conditionExpression("#n = :old AND price <= :p")
        .expressionAttributeNames(Map.of("#n", "name"))
        .expressionAttributeValues(Map.of(":old", AttributeValue.fromS("first"), ":p", AttributeValue.fromN("2"))));
    assertEquals("third", ddb.getItem(b -> b.tableName("Conditional")
        .key(Map.of("id", AttributeValue.fromS("k")))).item().get("name").s());
  }

  @Test
  void batchWritesRefuseDuplicateKeysAndScansPage() {
    createTable("Batch");
    List<WriteRequest> writes = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item("id-" + i, "n" + i)).build()).build());
    }
    var response = ddb.batchWriteItem(b -> b.requestItems(Map.of("Batch", writes)));
    assertTrue(response.unprocessedItems().isEmpty());
    List<WriteRequest> duplicates = List.of(writes.get(0), writes.get(0));
    DynamoDbException e = assertThrows(DynamoDbException.class,
        () -> ddb.batchWriteItem(b -> b.requestItems(Map.of("Batch", duplicates))));
    assertTrue(e.getMessage().contains("duplicates"), e.getMessage());

    Set<String> seen = new HashSet<>();
    Map<String, AttributeValue> start = null;
    int pages = 0;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = ddb.scan(b -> b.tableName("Batch").limit(10).exclusiveStartKey(from));
      page.items().forEach(item -> seen.add(item.get("id").s()));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      pages++;
    } while (start != null);
    assertEquals(25, seen.size());
    assertEquals(3, pages);
    assertEquals(25, ddb.scan(b -> b.tableName("Batch").select("COUNT")).count());
  }

  /**
   * PartiQL writes as DynamoDB runs them: an INSERT never overwrites (DuplicateItem), an UPDATE never creates and
   * applies only when every predicate holds (ConditionalCheckFailed, with the item on request), each statement of a
   * batch answers alone and in order, and what cannot run is refused, not guessed at.
   */
  @Test
  void partiqlBatchesAnswerEachStatementOnItsOwn() {
    createTable("Statements");
    String insert = "INSERT INTO \"Statements\" VALUE {'id': ?, 'name': ?, 'rev': ?}";
    BatchExecuteStatementResponse first = ddb.batchExecuteStatement(b -> b.statements(
        statement(insert, s("a"), s("Ash"), n("1")),
        statement(insert, s("b"), s("Birch"), n("1")),
        statement(insert, s("c"), s("Cedar"), n("1"))));
    assertEquals(List.of(true, true, true), first.responses().stream().map(r -> r.error() == null).toList());

    String update = "UPDATE \"Statements\" SET \"name\" = ? SET rev = ? REMOVE \"gone\" WHERE \"id\" = ? "
        + "AND \"rev\" = ?";
    BatchExecuteStatementResponse second = ddb.batchExecuteStatement(b -> b.statements(
        statement(insert, s("c"), s("Overwritten?"), n("9")),
        statement(update, s("Ash 2"), n("2"), s("a"), n("1")),
        BatchStatementRequest.builder().statement(update).parameters(s("Stale"), n("3"), s("b"), n("7"))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build(),
        statement(update, s("Created?"), n("1"), s("missing"), n("1")),
        statement("DELETE FROM \"Statements\" WHERE id = ?", s("b")),
        statement("UPDATE \"Statements\" SET name = ? WHERE name = ?", s("x"), s("Ash"))));
    List<String> codes = second.responses().stream()
        .map(r -> r.error() == null ? "ok" : r.error().codeAsString()).toList();
    assertEquals(List.of("DuplicateItem", "ok", "ConditionalCheckFailed", "ConditionalCheckFailed",
        "ValidationError", "ValidationError"), codes);
    assertEquals("Birch", second.responses().get(2).error().item().get("name").s(), "the item on request");
    assertFalse(second.responses().get(3).error().hasItem(), "no item unless asked for");

    Map<String, AttributeValue> a = ddb.getItem(b -> b.tableName("Statements").key(Map.of("id", s("a")))).item();
    assertEquals("Ash 2", a.get("name").s());
    assertEquals("2", a.get("rev").n());
    assertEquals("Birch", ddb.getItem(b -> b.tableName("Statements").key(Map.of("id", s("b")))).item()
        .get("name").s());
    assertEquals("Cedar", ddb.getItem(b -> b.tableName("Statements").key(Map.of("id", s("c")))).item()
        .get("name").s(), "an INSERT never overwrites");
    assertTrue(ddb.getItem(b -> b.tableName("Statements").key(Map.of("id", s("missing")))).item().isEmpty(),
        "a PartiQL UPDATE never creates an item");

    // IS MISSING: the fence on an item written before it had a revision; REMOVE drops an attribute
    ddb.putItem(b -> b.tableName("Statements").item(Map.of("id", s("old"), "name", s("Old"), "note", s("x"))));
    String legacy = "UPDATE \"Statements\" SET \"name\" = ? SET \"rev\" = ? REMOVE \"note\" WHERE \"id\" = ? "
        + "AND \"rev\" IS MISSING";
    assertNull(ddb.batchExecuteStatement(b -> b.statements(statement(legacy, s("New"), n("1"), s("old"))))
        .responses().get(0).error());
    Map<String, AttributeValue> old = ddb.getItem(b -> b.tableName("Statements").key(Map.of("id", s("old")))).item();
    assertEquals("New", old.get("name").s());
    assertFalse(old.containsKey("note"));
    assertEquals("ConditionalCheckFailed", ddb.batchExecuteStatement(b -> b.statements(
        statement(legacy, s("Again"), n("1"), s("old")))).responses().get(0).error().codeAsString(),
        "the item has a revision now");

    List<BatchStatementRequest> many = new ArrayList<>();
    for (int i = 0; i < 26; i++) {
      many.add(statement(insert, s("m" + i), s("M"), n("1")));
    }
    assertThrows(DynamoDbException.class, () -> ddb.batchExecuteStatement(b -> b.statements(many)),
        "at most 25 statements");
    assertThrows(DynamoDbException.class, () -> ddb.batchExecuteStatement(b -> b.statements(
        statement(insert, s("d"), s("D"), n("1")), statement(update, s("D"), n("2"), s("d"), n("1")))),
        "one item twice in a batch");
    assertTrue(ddb.getItem(b -> b.tableName("Statements").key(Map.of("id", s("d")))).item().isEmpty(),
        "a refused batch wrote nothing");
  }

  private static BatchStatementRequest statement(String text, AttributeValue... parameters) {
    return BatchStatementRequest.builder().statement(text).parameters(parameters).build();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(String value) {
    return AttributeValue.fromN(value);
  }

  @Test
  void timeToLiveIsRecorded() {
    createTable("Expiring");
    ddb.updateTimeToLive(b -> b.tableName("Expiring").timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
    var ttl = ddb.describeTimeToLive(b -> b.tableName("Expiring")).timeToLiveDescription();
    assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
    assertEquals("expiresAt", ttl.attributeName());
  }

  @Test
  void validatesKeysAndItemSize() {
    createTable("Validated");
    DynamoDbException noKey = assertThrows(DynamoDbException.class,
        () -> ddb.putItem(b -> b.tableName("Validated").item(Map.of("name", AttributeValue.fromS("x")))));
    assertTrue(noKey.getMessage().contains("Missing the key id"), noKey.getMessage());
    String big = "x".repeat(410 * 1024);
    DynamoDbException tooBig = assertThrows(DynamoDbException.class,
        () -> ddb.putItem(b -> b.tableName("Validated").item(item("big", big))));
    assertTrue(tooBig.getMessage().contains("maximum allowed size"), tooBig.getMessage());
    DynamoDbException badExpression = assertThrows(DynamoDbException.class,
        () -> ddb.putItem(b -> b.tableName("Validated").item(item("x", "y")).conditionExpression("size(name) > :n")
            .expressionAttributeValues(Map.of(":n", AttributeValue.fromN("1")))));
    assertEquals(400, badExpression.statusCode());
  }

  @Test
  void acknowledgedWritesSurviveARestart(@TempDir Path own) throws Exception {
    DynamoDbServer first = DynamoDbServer.start(own.resolve("t"), "127.0.0.1", 0, "us-east-1", 1);
    try (DynamoDbClient c = client(first.port())) {
      c.createTable(b -> b.tableName("Durable").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
      c.putItem(b -> b.tableName("Durable").item(item("kept", "yes")));
    } finally {
      first.close();
    }
    DynamoDbServer second = DynamoDbServer.start(own.resolve("t"), "127.0.0.1", 0, "us-east-1", 1);
    try (DynamoDbClient c = client(second.port())) {
      assertEquals("yes", c.getItem(b -> b.tableName("Durable").key(Map.of("id", AttributeValue.fromS("kept"))))
          .item().get("name").s());
      assertNull(c.getItem(b -> b.tableName("Durable").key(Map.of("id", AttributeValue.fromS("other")))).item()
          .get("name"));
    } finally {
      second.close();
    }
  }
}
