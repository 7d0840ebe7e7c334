package io.asynccatalog.domain;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductJsonTest {
  private static final Product PEN = new Product(ProductIds.next(), "Pen", "Blue\nink", new BigDecimal("1.5"), "USD",
      "P-1", null, Instant.parse("2026-01-02T03:04:05.123456Z"));

  @Test
  void messageRoundTripsEveryField() {
    assertEquals(PEN, ProductJson.fromMessage(ProductJson.toMessage(PEN)));
  }

  @Test
  void refusesMessagesThatAreNotProducts() {
    assertThrows(IllegalArgumentException.class, () -> ProductJson.fromMessage("not json"));
    assertThrows(IllegalArgumentException.class, () -> ProductJson.fromMessage("{\"v\":2,\"id\":\"x\"}"));
    assertThrows(IllegalArgumentException.class, () -> ProductJson.fromMessage("{\"v\":1,\"id\":\"not-a-uuid\"}"));
    String noPrice = ProductJson.toMessage(PEN).replace("\"price\":\"1.5\",", "");
    assertThrows(IllegalArgumentException.class, () -> ProductJson.fromMessage(noPrice));
  }

  @Test
  void apiPriceIsADecimalStringWithTwoPlaces() {
    JsonObject api = ProductJson.toApi(new StoredProduct(PEN, Instant.now(), ReportLocation.whole("reports/x.txt")));
    assertEquals("1.50", api.getValue("price"));
    assertEquals(PEN.id(), api.getString("id"));
    assertEquals("/products/" + PEN.id() + "/report", api.getString("report"));
  }

  @Test
  void reportIsDeterministicAndOneLinePerField() {
    byte[] first = ProductReport.render(PEN);
    assertArrayEquals(first, ProductReport.render(PEN));
    String text = new String(first, StandardCharsets.UTF_8);
    assertTrue(text.contains("product-id: " + PEN.id() + "\n"));
    assertTrue(text.contains("price: 1.50 USD\n"));
    assertTrue(text.contains("description: Blue\\nink\n"), text);
  }

  @Test
  void reportBytesStayExactlyWhatEarlierVersionsWrote() {
    Product odd = new Product("01a20e73-42e3-7a50-83e3-7e02bb9e95c0", "Pen é", "a\\b\r\n\tc", new BigDecimal("2"),
        "EUR", "S-1", "office", Instant.parse("2026-11-24T16:46:04.516455814Z"));
    assertEquals("""
        AsyncCatalog product report
        format: 1
        product-id: 01a20e73-42e3-7a50-83e3-7e02bb9e95c0
        name: Pen é
        price: 2.00 EUR
        description: a\\\\b\\r\\n\\tc
        sku: S-1
        category: office
        accepted-at: 2026-11-24T16:46:04.516455814Z
        """, new String(ProductReport.render(odd), StandardCharsets.UTF_8));
  }

  @Test
  void idsAreTimeOrderedUuids() {
    String a = ProductIds.next();
    String b = ProductIds.next();
    assertTrue(ProductIds.isWellFormed(a));
    assertEquals('7', a.charAt(14), "version 7");
    assertTrue(a.compareTo(b) < 0);
  }
}
