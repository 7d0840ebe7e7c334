package io.asynccatalog.pipeline;

import io.asynccatalog.domain.Instants;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replaces, merge patches and deletes through the HTTP API, by sku and by id, as a client sees them: what GET shows
 * after each, client versions against each other, a delete that a late older write cannot undo, a bulk request of
 * writes, and a product stored before versions existed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VersionedWritesTest {
  private static final String JSON = "application/json";
  private static final String PATCH = "application/merge-patch+json";
  private RunningApp service;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    service = RunningApp.start("versioned", dir, json -> json);
  }

  @AfterAll
  void stop() {
    service.close();
  }

  private HttpResponse<String> write(String method, String path, String type, String body) {
    HttpResponse<String> response = type == null ? service.http.send(method, path, body)
        : service.http.send(method, path, body, "Content-Type", type);
    assertEquals(202, response.statusCode(), method + " " + path + ": " + response.body());
    return response;
  }

  private JsonObject stored(String path) throws Exception {
    service.awaitQueueDrained("the writes stored");
    HttpResponse<String> read = service.http.get(path);
    assertEquals(200, read.statusCode(), path + ": " + read.body());
    return new JsonObject(read.body());
  }

  private int status(String path) throws Exception {
    service.awaitQueueDrained("the writes stored");
    return service.http.get(path).statusCode();
  }

  @Test
  void aKeyedProductIsUpsertedPatchedAndDeleted() throws Exception {
    JsonObject accepted = new JsonObject(write("PUT", "/products/sku/PEN-1", JSON,
        "{\"name\":\"Pen\",\"price\":\"1.99\",\"description\":\"Black ink\"}").body());
    assertEquals(ProductIds.forSku("PEN-1"), accepted.getString("id"), "the id follows from the sku");
    JsonObject pen = stored("/products/sku/PEN-1");
    assertEquals("PEN-1", pen.getString("sku"));
    assertEquals(accepted.getLong("version"), pen.getLong("version"));
    assertEquals("service", pen.getString("versionType"));
    String etag = service.http.get("/products/sku/PEN-1").headers().firstValue("ETag").orElseThrow();

    write("PATCH", "/products/sku/PEN-1", PATCH, "{\"price\":\"2.49\",\"description\":null,\"category\":\"Pens\"}");
    JsonObject patched = stored("/products/" + accepted.getString("id"));
    assertEquals("Pen", patched.getString("name"), "a patch changes only its fields");
    assertEquals("2.49", patched.getString("price"));
    assertEquals("Pens", patched.getString("category"));
    assertFalse(patched.containsKey("description"), "null removes a field");
    assertTrue(patched.getLong("version") > pen.getLong("version"));
    assertNotEquals(etag, service.http.get("/products/sku/PEN-1").headers().firstValue("ETag").orElseThrow());

    write("DELETE", "/products/sku/PEN-1", null, null);
    assertEquals(404, status("/products/sku/PEN-1"));
    assertEquals(404, service.http.get("/products/" + accepted.getString("id") + "/report").statusCode());
    assertFalse(service.http.get("/products?limit=100").body().contains(accepted.getString("id")),
        "the list leaves it out");

    write("PUT", "/products/sku/PEN-1", JSON, "{\"name\":\"New pen\",\"price\":\"3.10\"}");
    assertEquals("New pen", stored("/products/sku/PEN-1").getString("name"), "a newer write re-creates it");
    assertEquals(200, service.http.get("/products/sku/PEN-1").statusCode());
  }

  @Test
  void theHighestClientVersionWinsWhateverTheOrderAndAnOlderOneCannotUndoADelete() throws Exception {
    String feed = "/products/sku/FEED-1";
    write("PUT", feed + "?version=10", JSON, "{\"name\":\"Feed v10\",\"price\":\"10.00\"}");
    write("PUT", feed + "?version=5", JSON, "{\"name\":\"Feed v5\",\"price\":\"5.00\"}");
    JsonObject shown = stored(feed);
    assertEquals("Feed v10", shown.getString("name"), "the older version loses, arriving later");
    assertEquals(10, shown.getLong("version"));
    assertEquals("client", shown.getString("versionType"));
    double superseded = service.http.meter("catalog_writes_superseded_total");
    assertTrue(superseded >= 1, "the loser is counted: " + superseded);

    write("PUT", feed, JSON, "{\"name\":\"Unversioned\",\"price\":\"1.00\"}");
    assertEquals("Feed v10", stored(feed).getString("name"),
        "a write without a version never changes a product its client versions");

    write("DELETE", feed + "?version=20", null, null);
    assertEquals(404, status(feed));
    write("PUT", feed + "?version=15", JSON, "{\"name\":\"Late v15\",\"price\":\"15.00\"}");
    assertEquals(404, status(feed), "a late older replace does not bring it back");
    write("PATCH", feed + "?version=16", PATCH, "{\"name\":\"Late patch\"}");
    assertEquals(404, status(feed), "nor a late older patch");
    write("PUT", feed + "?version=21", JSON, "{\"name\":\"Feed v21\",\"price\":\"21.00\"}");
    JsonObject back = stored(feed);
    assertEquals("Feed v21", back.getString("name"), "a newer replace brings it back");
    assertEquals(21, back.getLong("version"));
  }

  @Test
  void aBulkRequestOfWritesAppliesEachInRequestOrder() throws Exception {
    String created = new JsonObject(service.http.postJson("{\"name\":\"Doomed\",\"price\":\"1.00\"}").body())
        .getString("id");
    HttpResponse<String> bulk = service.http.postBatch("{\"writes\":["
        + "{\"op\":\"replace\",\"sku\":\"B-1\",\"product\":{\"name\":\"Bulk\",\"price\":\"2.00\"}},"
        + "{\"op\":\"patch\",\"sku\":\"B-1\",\"patch\":{\"price\":\"3.00\"}},"
        + "{\"op\":\"create\",\"product\":{\"name\":\"Made in bulk\",\"price\":\"4.00\"}},"
        + "{\"op\":\"delete\",\"id\":\"" + created + "\"},"
        + "{\"op\":\"replace\",\"sku\":\"B-2\",\"version\":7,\"product\":{\"name\":\"Versioned\",\"price\":\"7.00\"}}]}");
    assertEquals(202, bulk.statusCode(), bulk.body());
    JsonObject answer = new JsonObject(bulk.body());
    assertEquals(5, answer.getInteger("accepted"));
    assertEquals(ProductIds.forSku("B-1"), answer.getJsonArray("items").getJsonObject(0).getString("id"));
    assertEquals(7, answer.getJsonArray("items").getJsonObject(4).getLong("version"));
    JsonObject b1 = stored("/products/sku/B-1");
    assertEquals("Bulk", b1.getString("name"));
    assertEquals("3.00", b1.getString("price"), "the patch after the replace in the request is the newer write");
    String made = answer.getJsonArray("items").getJsonObject(2).getString("id");
    assertEquals("Made in bulk", stored("/products/" + made).getString("name"));
    assertEquals(404, status("/products/" + created));
    assertEquals("client", stored("/products/sku/B-2").getString("versionType"));

    HttpResponse<String> invalid = service.http.postBatch("{\"writes\":[{\"op\":\"patch\",\"sku\":\"B-1\","
        + "\"patch\":{\"name\":null}},{\"op\":\"move\",\"id\":\"x\"}]}");
    assertEquals(400, invalid.statusCode());
    assertTrue(invalid.body().contains("\"index\":0") && invalid.body().contains("\"index\":1"), invalid.body());
  }

  @Test
  void aProductStoredBeforeVersionsExistedIsReadPatchedAndDeleted() throws Exception {
    String id = ProductIds.next();
    Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(3600);
    // the item as the release before versions wrote it: no stamps, no revision
    service.aws().dynamoDb().putItem(b -> b.tableName(service.resources().tableName()).item(Map.of(
        "id", AttributeValue.fromS(id), "name", AttributeValue.fromS("Legacy"),
        "price", AttributeValue.fromN("4.20"), "currency", AttributeValue.fromS("USD"),
        "createdAt", AttributeValue.fromS(Instants.format(createdAt)),
        "storedAt", AttributeValue.fromS(Instants.format(createdAt)),
        "reportKey", AttributeValue.fromS("reports/" + id + ".txt")))).join();
    JsonObject legacy = new JsonObject(service.http.get("/products/" + id).body());
    assertEquals("Legacy", legacy.getString("name"));
    assertEquals(createdAt.toString(), legacy.getString("createdAt"), "its version is its acceptance time");
    assertEquals(io.asynccatalog.versions.VersionClock.microsOf(createdAt), legacy.getLong("version"));

    write("PATCH", "/products/" + id, PATCH, "{\"category\":\"Old stock\"}");
    JsonObject patched = stored("/products/" + id);
    assertEquals("Legacy", patched.getString("name"));
    assertEquals("Old stock", patched.getString("category"));
    assertNull(patched.getString("description"));
    write("DELETE", "/products/" + id, null, null);
    assertEquals(404, status("/products/" + id));
  }
}
