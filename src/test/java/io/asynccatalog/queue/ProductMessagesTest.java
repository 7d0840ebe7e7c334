package io.asynccatalog.queue;

import io.asynccatalog.domain.Product;
import io.asynccatalog.versions.Write;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductJson;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductMessagesTest {
  private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private static Product product(String name) {
    return new Product(ProductIds.next(), name, "a \"quoted\"\nline", new BigDecimal("12.30"), "EUR", "S-1", null,
        Instant.parse("2026-12-01T10:00:00.123456Z"));
  }

  @Test
  void aPackCarriesEachProductWithItsAttemptsTraceAndResentMark() {
    Product a = product("A");
    Product b = product("Bé");
    String body = ProductMessages.pack(List.of(ProductMessages.packEntry(a, 0, TRACE),
        ProductMessages.packEntry(b, 2, null, true)));
    ProductMessages.Contents contents = ProductMessages.read(body, null);
    assertTrue(contents.pack());
    assertEquals(List.of(new QueuedWrite(Write.create(a), 0, TRACE, false), new QueuedWrite(Write.create(b), 2, null, true)),
        contents.products());
    assertTrue(contents.rejected().isEmpty());
    assertFalse(contents.products().get(0).maybeStored());
    assertTrue(contents.products().get(1).maybeStored());
  }

  @Test
  void aPackStatesSharedTimeAndTraceOnceAndAnEntryWithItsOwnKeepsThem() {
    Product a = product("Shared");
    Product b = new Product(ProductIds.next(), "Own", null, new BigDecimal("1"), "USD", null, null,
        Instant.parse("2026-12-02T10:00:00Z"));
    String other = "00-11111111111111111111111111111111-2222222222222222-01";
    String createdAt = a.createdAt().toString();
    String body = ProductMessages.pack(createdAt, TRACE, List.of(ProductMessages.coreEntry(a, false),
        ProductMessages.withShared(ProductMessages.coreEntry(b, true), b.createdAt().toString(), other)));
    assertEquals(2, body.split("\"createdAt\"", -1).length - 1, "the shared time once, the other entry's once: "
        + body);
    ProductMessages.Contents contents = ProductMessages.read(body, null);
    assertEquals(List.of(new QueuedWrite(Write.create(a), 0, TRACE, false), new QueuedWrite(Write.create(b), 0, other, true)),
        contents.products());
    List<Product> many = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      many.add(new Product(ProductIds.next(), "Same request " + i, null, BigDecimal.ONE, "USD", null, null,
          a.createdAt()));
    }
    int shared = ProductMessages.pack(createdAt, TRACE, many.stream().map(p -> ProductMessages.coreEntry(p, false))
        .toList()).length();
    int full = ProductMessages.pack(many.stream().map(p -> ProductMessages.packEntry(p, 0, TRACE)).toList()).length();
    assertTrue(shared < full * 2 / 3, "a request's products share time and trace: " + shared + " bytes against " + full);
  }

  @Test
  void aOneProductMessageOfTheFirstFormatIsReadWithTheTraceOfItsAttribute() {
    Product a = product("Old");
    ProductMessages.Contents contents = ProductMessages.read(ProductJson.toMessage(a), TRACE);
    assertFalse(contents.pack());
    assertEquals(List.of(new QueuedWrite(Write.create(a), 0, TRACE, false)), contents.products());
  }

  @Test
  void aBadEntryOfAPackIsRejectedAloneAndABadMessageAsAWhole() {
    Product a = product("Good");
    String body = "{\"v\":2,\"products\":[" + ProductMessages.packEntry(a, 0, null)
        + ",{\"id\":\"not-an-id\",\"name\":\"x\"},7]}";
    ProductMessages.Contents contents = ProductMessages.read(body, null);
    assertEquals(1, contents.products().size());
    assertEquals(2, contents.rejected().size());
    assertEquals(3, contents.size());
    assertTrue(contents.rejected().get(0).reason().contains("no valid product id"), contents.rejected().toString());
    assertThrows(IllegalArgumentException.class, () -> ProductMessages.read("{\"v\":2,\"products\":[]}", null));
    assertThrows(IllegalArgumentException.class, () -> ProductMessages.read("{\"v\":3}", null));
    assertThrows(IllegalArgumentException.class, () -> ProductMessages.read("[1,2]", null));
  }

  @Test
  void utf8LengthCountsWhatSqsCounts() {
    for (String text : List.of("", "plain", "é", "€uro", "emoji 😀 and ü", "\u0000\u007f\u0080\u07ff\u0800\uffff")) {
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, SqsLimits.utf8Length(text), text);
    }
  }

  @Test
  void aPackOfTheReleaseBeforeVersionsReadsAsCreatesVersionedAtTheirAcceptanceTime() {
    // a body as that release wrote it: every reader after it must take it for what it was
    String body = "{\"v\":2,\"createdAt\":\"2026-12-01T10:00:00.123456Z\",\"products\":[{\"id\":"
        + "\"01a24450-eaf4-77b1-8765-4587946b92af\",\"name\":\"Old pen\",\"price\":\"1.99\",\"currency\":\"USD\","
        + "\"deferred\":1}]}";
    Write write = ProductMessages.read(body, null).products().get(0).write();
    assertTrue(write.isCreate());
    assertEquals("01a24450-eaf4-77b1-8765-4587946b92af", write.writeId());
    assertEquals(1_796_119_200_123_456L, write.stamp().version(), "microseconds since the epoch");
    assertEquals("Old pen", write.asProduct().name());
  }

  @Test
  void replacesPatchesAndDeletesTravelInTheWritesFormatAndComeBackAsSent() {
    String id = ProductIds.forSku("SKU-9");
    Write patch = new Write(id, new io.asynccatalog.versions.ProductWrite(io.asynccatalog.versions.ProductWrite.Kind.PATCH,
        new io.asynccatalog.versions.Stamp(true, 42, ProductIds.next(), 1_764_583_200_000_001L),
        new java.util.HashMap<>(java.util.Map.of("price", "2.49"))) );
    java.util.Map<String, String> removal = new java.util.HashMap<>();
    removal.put("description", null);
    Write removing = new Write(id, new io.asynccatalog.versions.ProductWrite(
        io.asynccatalog.versions.ProductWrite.Kind.PATCH, io.asynccatalog.versions.Stamp.service(7, ProductIds.next()),
        removal));
    Write delete = new Write(id, new io.asynccatalog.versions.ProductWrite(
        io.asynccatalog.versions.ProductWrite.Kind.DELETE, io.asynccatalog.versions.Stamp.service(8, ProductIds.next()),
        java.util.Map.of()));
    Write create = Write.create(product("Beside them"));
    String body = ProductMessages.pack(List.of(ProductMessages.entry(patch, 0, 0, TRACE, false),
        ProductMessages.entry(removing, 2, 1, null, true), ProductMessages.entry(delete, 0, 0, null, false),
        ProductMessages.entry(create, 0, 0, null, false)));
    assertTrue(body.startsWith("{\"v\":3,\"writes\":["), "a reader before versions refuses it: " + body);
    ProductMessages.Contents contents = ProductMessages.read(body, null);
    assertEquals(List.of(new QueuedWrite(patch, 0, TRACE, false), new QueuedWrite(removing, 2, null, true, 1),
        new QueuedWrite(delete, 0, null, false), new QueuedWrite(create, 0, null, false)), contents.products());
    assertTrue(contents.rejected().isEmpty());
    String onlyCreates = ProductMessages.pack(List.of(ProductMessages.entry(create, 0, 0, null, false)));
    assertTrue(onlyCreates.startsWith("{\"v\":2,"), "creates alone keep the format every reader knows");
  }

  @Test
  void aWriteEntryThatIsNotAWriteIsRejectedAlone() {
    String body = "{\"v\":3,\"writes\":[{\"op\":\"patch\",\"id\":\"" + ProductIds.next() + "\",\"ver\":1,"
        + "\"w\":\"x\",\"set\":{\"name\":null}},{\"op\":\"move\",\"id\":\"" + ProductIds.next() + "\",\"ver\":1,"
        + "\"w\":\"y\"},{\"op\":\"replace\",\"id\":\"" + ProductIds.next() + "\",\"ver\":1,\"w\":\"z\","
        + "\"set\":{\"name\":\"No price\"}}]}";
    ProductMessages.Contents contents = ProductMessages.read(body, null);
    assertEquals(0, contents.products().size());
    assertEquals(3, contents.rejected().size(), "a required field removed, an unknown op, a replace without a price");
  }
}
