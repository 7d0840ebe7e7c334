package io.asynccatalog.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a bulk request, {@code {"products": [ ... ]}} (creates) or {@code {"writes": [ ... ]}} (creates, replaces,
 * merge patches and deletes, by id or by sku): the body strictly, then every item by the same rules as a single
 * write. All or nothing: one invalid item makes the whole request invalid, and the errors name each bad item by its
 * index (the first {@link #MAX_ERRORS} of them).
 */
public final class ProductBatchParser {
  public static final int MAX_ERRORS = 100;
  public static final String FIELD = "products";
  public static final String WRITES = "writes";

  private final ProductRequestParser products;
  private final WriteParser writes;
  private final int maxProducts;

  public ProductBatchParser(ProductRequestParser products, int maxProducts) {
    this.products = products;
    this.writes = new WriteParser(products);
    this.maxProducts = maxProducts;
  }

  /** Either every product's draft, in request order, or what is wrong. */
  public sealed interface Result permits Valid, Invalid {}

  public record Valid(List<WriteDraft> writes) implements Result {
    /** The products of the creates, in request order. */
    public List<ProductDraft> drafts() {
      return writes.stream().filter(w -> w.op() == WriteDraft.Op.CREATE).map(WriteDraft::product).toList();
    }
  }

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
    String field = json.has(WRITES) && !json.has(FIELD) ? WRITES : FIELD;
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals(field)) {
        return envelope(name, "is not a field of a bulk request; send {\"products\": [ ... ]} or "
            + "{\"writes\": [ ... ]}");
      }
    }
    JsonNode list = json.get(field);
    String things = field.equals(FIELD) ? "products" : "writes";
    if (list == null || !list.isArray()) {
      return envelope(field, list == null ? "is required" : "must be an array of " + things);
    }
    if (list.isEmpty() || list.size() > maxProducts) {
      return envelope(field, "must hold 1 to " + maxProducts + " " + things + ", not " + list.size());
    }
    List<WriteDraft> drafts = new ArrayList<>(list.size());
    List<FieldError> errors = new ArrayList<>();
    int invalid = 0;
    for (int i = 0; i < list.size(); i++) {
      JsonNode element = list.get(i);
      List<FieldError> found;
      if (element instanceof ObjectNode item && field.equals(WRITES)) {
        WriteParser.Parsed parsed = writes.item(item);
        if (parsed.draft() != null) {
          drafts.add(parsed.draft());
          continue;
        }
        found = parsed.errors();
      } else if (element instanceof ObjectNode product) {
        ProductRequestParser.Result result = products.parse(product);
        if (result instanceof ProductRequestParser.Valid valid) {
          drafts.add(WriteDraft.create(valid.draft()));
          continue;
        }
        found = ((ProductRequestParser.Invalid) result).errors();
      } else {
        found = List.of(new FieldError(field, "must be a JSON object (" + (field.equals(FIELD) ? "a product"
            : "a write") + ")"));
      }
      invalid++;
      for (FieldError error : found) {
        if (errors.size() < MAX_ERRORS) {
          errors.add(new FieldError(i, error.field(), error.message()));
        }
      }
    }
    if (invalid > 0) {
      return new Invalid(invalid + " of the " + list.size() + " " + things + " are invalid; none was accepted"
          + (errors.size() == MAX_ERRORS ? " (the first " + MAX_ERRORS + " errors are listed)." : "."), errors);
    }
    return new Valid(drafts);
  }

  private static Invalid envelope(String field, String message) {
    return new Invalid("The bulk request is invalid: '" + field + "' " + message + ".",
        List.of(new FieldError(field, message)));
  }
}
