package io.asynccatalog.domain;

import io.asynccatalog.contract.ApiContract;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductBatchParserTest {
  private final ProductBatchParser parser = new ProductBatchParser(new ProductRequestParser(ApiContract.load(), "USD"),
      5);

  private ProductBatchParser.Result parse(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void validProductsComeBackInRequestOrder() {
    var valid = assertInstanceOf(ProductBatchParser.Valid.class,
        parse("{\"products\":[{\"name\":\" A \",\"price\":1},{\"name\":\"B\",\"price\":\"2.50\",\"currency\":\"EUR\"}]}"));
    assertEquals(List.of("A", "B"), valid.drafts().stream().map(ProductDraft::name).toList());
    assertEquals("EUR", valid.drafts().get(1).currency());
    assertEquals("USD", valid.drafts().get(0).currency());
  }

  @Test
  void everyBadProductIsNamedByIndexAndField() {
    var invalid = assertInstanceOf(ProductBatchParser.Invalid.class,
        parse("{\"products\":[{\"name\":\"ok\",\"price\":1},{\"name\":\"\",\"price\":1},\"text\",{\"price\":-1}]}"));
    assertEquals("3 of the 4 products are invalid; none was accepted.", invalid.detail());
    assertEquals(List.of(new FieldError(1, "name", "must be 1 to 200 characters, not blank, without control characters"),
        new FieldError(2, "products", "must be a JSON object (a product)"),
        new FieldError(3, "name", "is required"),
        new FieldError(3, "price",
            "must be a decimal from 0 to 1000000000 with at most 2 decimal places, e.g. 1.99 or \"1.99\"")),
        invalid.errors());
  }

  @Test
  void theEnvelopeIsCheckedFirst() {
    assertEquals("products", error(parse("{}")).field());
    assertEquals("products", error(parse("{\"products\":{}}")).field());
    assertTrue(error(parse("{\"products\":[]}")).message().contains("1 to 5"));
    assertTrue(error(parse("{\"products\":[{},{},{},{},{},{}]}")).message().contains("not 6"));
    assertEquals("items", error(parse("{\"products\":[],\"items\":1}")).field());
    assertEquals("body", error(parse("[]")).field());
    assertEquals("products", error(parse("{\"products\":[1e2]}")).field());
  }

  @Test
  void errorsAreCappedAndTheDetailSaysSo() {
    ProductBatchParser big = new ProductBatchParser(new ProductRequestParser(ApiContract.load(), "USD"), 1000);
    String body = "{\"products\":[" + "{\"price\":-1},".repeat(299) + "{\"price\":-1}]}";
    var invalid = assertInstanceOf(ProductBatchParser.Invalid.class, big.parse(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(ProductBatchParser.MAX_ERRORS, invalid.errors().size());
    assertTrue(invalid.detail().startsWith("300 of the 300 products are invalid"), invalid.detail());
    assertTrue(invalid.detail().contains("the first 100 errors are listed"), invalid.detail());
  }

  private static FieldError error(ProductBatchParser.Result result) {
    return assertInstanceOf(ProductBatchParser.Invalid.class, result).errors().get(0);
  }
}
