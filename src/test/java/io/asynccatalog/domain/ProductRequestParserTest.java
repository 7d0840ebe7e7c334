package io.asynccatalog.domain;

import io.asynccatalog.domain.ProductRequestParser.Invalid;
import io.asynccatalog.domain.ProductRequestParser.Result;
import io.asynccatalog.domain.ProductRequestParser.Valid;
import io.asynccatalog.contract.ApiContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductRequestParserTest {
  private final ProductRequestParser parser = new ProductRequestParser(ApiContract.load(), "USD");

  private Result parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private ProductDraft valid(String json) {
    return assertInstanceOf(Valid.class, parse(json), json).draft();
  }

  private Invalid invalid(String json) {
    return assertInstanceOf(Invalid.class, parse(json), json);
  }

  private static boolean names(Invalid invalid, String field) {
    return invalid.errors().stream().anyMatch(e -> e.field().equals(field));
  }

  @Test
  void acceptsTheChallengeExampleWithAStringPrice() {
    ProductDraft draft = valid("{\"name\":\"Pen\",\"description\":\"Blue ink\",\"price\":\"1.99\"}");
    assertEquals("Pen", draft.name());
    assertEquals("Blue ink", draft.description());
    assertEquals(new BigDecimal("1.99"), draft.price());
    assertEquals("USD", draft.currency());
    assertNull(draft.sku());
  }

  @ParameterizedTest
  @CsvSource({"1.5,1.5", "0,0", "10,10", "1000000000,1000000000", "0.01,0.01", "123456789.99,123456789.99"})
  void keepsNumericPricesExact(String price, String expected) {
    assertEquals(new BigDecimal(expected), valid("{\"name\":\"x\",\"price\":" + price + "}").price());
  }

  @Test
  void trimsTheNameAndTakesOptionalFields() {
    ProductDraft draft = valid("{\"name\":\"  Pen \",\"price\":1,\"currency\":\"EUR\",\"sku\":\"P-1\",\"category\":\"office\"}");
    assertEquals("Pen", draft.name());
    assertEquals("EUR", draft.currency());
    assertEquals("P-1", draft.sku());
    assertEquals("office", draft.category());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "\"-0.5\"", "1.999", "\"1.001\"", "1e2", "1E2", "\"1e2\"", "1000000000.01", "\"abc\"",
      "\"\"", "true", "[1]", "{\"amount\":1}", "\" 1,5\"", "\"NaN\"", "\"Infinity\""})
  void refusesBadPrices(String price) {
    Invalid invalid = invalid("{\"name\":\"Pen\",\"price\":" + price + "}");
    assertTrue(names(invalid, "price"), () -> price + " -> " + invalid.errors());
    assertEquals(1, invalid.errors().size(), () -> invalid.errors().toString());
  }

  @Test
  void namesEveryMissingRequiredField() {
    Invalid invalid = invalid("{}");
    assertTrue(names(invalid, "name"));
    assertTrue(names(invalid, "price"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"   \"", "\"\"", "\"a\\u0000b\"", "\"line\\nbreak\"", "42", "null"})
  void refusesBadNames(String name) {
    assertTrue(names(invalid("{\"name\":" + name + ",\"price\":1}"), "name"), name);
  }

  @Test
  void refusesTooLongTextAndUnknownCurrencies() {
    String longName = "n".repeat(201);
    String longDescription = "d".repeat(4001);
    Invalid invalid = invalid("{\"name\":\"" + longName + "\",\"description\":\"" + longDescription
        + "\",\"price\":1,\"currency\":\"XYZ\"}");
    assertTrue(names(invalid, "name"));
    assertTrue(names(invalid, "description"));
    assertTrue(names(invalid, "currency"));
  }

  @Test
  void allowsLineBreaksInDescriptionsOnly() {
    assertEquals("a\nb", valid("{\"name\":\"x\",\"price\":1,\"description\":\"a\\nb\"}").description());
  }

  @Test
  void refusesUnknownAndDuplicateFields() {
    assertTrue(names(invalid("{\"name\":\"x\",\"price\":1,\"colour\":\"red\"}"), "colour"));
    assertTrue(names(invalid("{\"name\":\"x\",\"price\":1,\"name\":\"y\"}"), "name"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "\"text\"", "42", "null", "{\"name\":\"x\"} {}",
      "{\"name\":\"x\",\"price\":1}trailing"})
  void refusesBodiesThatAreNotOneJsonObject(String body) {
    Invalid invalid = invalid(body);
    assertTrue(invalid.errors().isEmpty(), invalid.errors().toString());
    assertTrue(invalid.detail().length() > 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "{\"name\":\"x\",}", "{\"name\":"})
  void refusesMalformedJsonWithTheReason(String body) {
    assertTrue(invalid(body).detail().startsWith("The request body is not valid JSON"));
  }

  @Test
  void refusesDeepNestingAndInvalidUtf8WithoutThrowing() {
    String deep = "{\"name\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"price\":1}";
    invalid(deep);
    byte[] badUtf8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertInstanceOf(Invalid.class, parser.parse(badUtf8));
  }
}
