package io.asynccatalog.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a bulk request, {@code {"products": [ ... ]}}: the body strictly, then every product by the same rules as a
 * single one. All or nothing: one invalid product makes the whole request invalid, and the errors name each bad
 * product by its index (the first {@link #MAX_ERRORS} of them).
 */
public final class ProductBatchParser {
  public static final int MAX_ERRORS = 100;
  public static final String FIELD = "products";

  private final ProductRequestParser products;
  private final int maxProducts;

  public ProductBatchParser(ProductRequestParser products, int maxProducts) {
    this.products = products;
    this.maxProducts = maxProducts;
  }

  /** Either every product's draft, in request order, or what is wrong. */
  public sealed interface Result permits Valid, Invalid {}

  public record Valid(List<ProductDraft> drafts) implements Result {}

  public record Invalid(String detail, List<FieldError> errors) implements Result {}

  public int maxProducts() {
    return maxProducts;
  }

  public Result parse(byte[] body) {
    ObjectNode json;
    try {
      json = StrictJson.readObject(body);
    } catch (StrictJson.Refused e) {
      return new Invalid(e.getMessage(), List.of(new FieldError(e.field() == null ? "body" : e.field(),
          e.getMessage().replace("The request body is not valid JSON: ", ""))));
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals(FIELD)) {
        return envelope(name, "is not a field of a bulk request; send {\"products\": [ ... ]}");
      }
    }
    JsonNode list = json.get(FIELD);
    if (list == null || !list.isArray()) {
      return envelope(FIELD, list == null ? "is required" : "must be an array of products");
    }
    if (list.isEmpty() || list.size() > maxProducts) {
      return envelope(FIELD, "must hold 1 to " + maxProducts + " products, not " + list.size());
    }
    List<ProductDraft> drafts = new ArrayList<>(list.size());
    List<FieldError> errors = new ArrayList<>();
    int invalid = 0;
    for (int i = 0; i < list.size(); i++) {
      JsonNode element = list.get(i);
      List<FieldError> found;
      if (element instanceof ObjectNode product) {
        ProductRequestParser.Result result = products.parse(product);
        if (result instanceof ProductRequestParser.Valid valid) {
          drafts.add(valid.draft());
          continue;
        }
        found = ((ProductRequestParser.Invalid) result).errors();
      } else {
        found = List.of(new FieldError(FIELD, "must be a JSON object (a product)"));
      }
      invalid++;
      for (FieldError error : found) {
        if (errors.size() < MAX_ERRORS) {
          errors.add(new FieldError(i, error.field(), error.message()));
        }
      }
    }
    if (invalid > 0) {
      return new Invalid(invalid + " of the " + list.size() + " products are invalid; none was accepted"
          + (errors.size() == MAX_ERRORS ? " (the first " + MAX_ERRORS + " errors are listed)." : "."), errors);
    }
    return new Valid(drafts);
  }

  private static Invalid envelope(String field, String message) {
    return new Invalid("The bulk request is invalid: '" + field + "' " + message + ".",
        List.of(new FieldError(field, message)));
  }
}
