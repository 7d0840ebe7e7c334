package io.asynccatalog.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns the parts of a write other than a create (whose product {@link ProductRequestParser} reads) into a
 * {@link WriteDraft}: the product addressed by id or by sku, a replace's product (whose sku, addressed by sku, is the
 * key), a merge patch's fields, the client's version. The same rules for the single routes and a bulk request's items.
 */
public final class WriteParser {
  /** As the contract's Text with at most 64 characters: what a sku may be. */
  private static final Pattern SKU = Pattern.compile("[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*");

  private final ProductRequestParser products;

  public WriteParser(ProductRequestParser products) {
    this.products = products;
  }

  /** A write's draft, or every error found in it. */
  public record Parsed(WriteDraft draft, List<FieldError> errors) {
    static Parsed of(List<FieldError> errors) {
      return new Parsed(null, errors);
    }
  }

  /** The product a write addresses: its id, or the id its sku gives; null with an error when neither is valid. */
  public static String target(String id, String sku, List<FieldError> errors) {
    if ((id == null) == (sku == null)) {
      errors.add(new FieldError(id == null ? "id" : "sku", "give the product's id or its sku, one of them"));
      return null;
    }
    if (id != null) {
      if (!ProductIds.isWellFormed(id)) {
        errors.add(new FieldError("id", "must be a product id (a lower-case UUID)"));
        return null;
      }
      return id;
    }
    if (!validSku(sku)) {
      errors.add(new FieldError("sku", "must be 1 to 64 characters, not blank, without control characters"));
      return null;
    }
    return ProductIds.forSku(sku.strip());
  }

  public static boolean validSku(String sku) {
    return sku != null && sku.length() <= 64 && SKU.matcher(sku).matches();
  }

  /** A replace of the product {@code target} ({@code sku}: addressed by it, so the product's sku is the key). */
  public Parsed replace(String target, String sku, ObjectNode product, Long version) {
    ProductRequestParser.Result result = products.parse(product);
    if (result instanceof ProductRequestParser.Invalid invalid) {
      return Parsed.of(invalid.errors());
    }
    ProductDraft draft = ((ProductRequestParser.Valid) result).draft();
    if (sku != null) {
      String key = sku.strip();
      if (draft.sku() != null && !draft.sku().equals(key)) {
        return Parsed.of(List.of(new FieldError("sku", "must be the sku the product is addressed by ('" + key
            + "'), or left out")));
      }
      draft = new ProductDraft(draft.name(), draft.description(), draft.price(), draft.currency(), key,
          draft.category());
    }
    return new Parsed(new WriteDraft(WriteDraft.Op.REPLACE, target, draft, null, version), List.of());
  }

  public Parsed patch(String target, boolean keyed, ObjectNode patch, Long version) {
    ProductRequestParser.Result result = products.parsePatch(patch, keyed);
    if (result instanceof ProductRequestParser.Invalid invalid) {
      return Parsed.of(invalid.errors());
    }
    return new Parsed(new WriteDraft(WriteDraft.Op.PATCH, target, null,
        ((ProductRequestParser.ValidPatch) result).values(), version), List.of());
  }

  public static Parsed delete(String target, Long version) {
    return new Parsed(new WriteDraft(WriteDraft.Op.DELETE, target, null, null, version), List.of());
  }

  /** One item of a bulk request's {@code writes}. */
  public Parsed item(ObjectNode item) {
    List<FieldError> errors = new ArrayList<>();
    List<String> known = List.of("op", "id", "sku", "product", "patch", "version");
    item.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) {
        errors.add(new FieldError(name, "is not a field of a write; allowed: " + String.join(", ", known)));
      }
    });
    JsonNode op = item.get("op");
    String kind = op != null && op.isTextual() ? op.textValue() : "";
    if (!List.of("create", "replace", "patch", "delete").contains(kind)) {
      errors.add(new FieldError("op", "must be create, replace, patch or delete"));
    }
    Long version = null;
    JsonNode v = item.get("version");
    if (v != null && !v.isNull()) {
      java.math.BigDecimal number = v.isNumber() ? v.decimalValue() : null;
      if (number != null && number.signum() >= 0 && number.stripTrailingZeros().scale() <= 0
          && number.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
        version = number.longValueExact();
      } else {
        errors.add(new FieldError("version", "must be an integer from 0 to 9223372036854775807"));
      }
    }
    JsonNode product = item.get("product");
    JsonNode patch = item.get("patch");
    if (!"create".equals(kind) && !"replace".equals(kind) && product != null) {
      errors.add(new FieldError("product", "belongs to a create or a replace only"));
    }
    if (!"patch".equals(kind) && patch != null) {
      errors.add(new FieldError("patch", "belongs to a patch only"));
    }
    if (("create".equals(kind) || "replace".equals(kind)) && !(product instanceof ObjectNode)) {
      errors.add(new FieldError("product", "is required: the whole product, as an object"));
    }
    if ("patch".equals(kind) && !(patch instanceof ObjectNode)) {
      errors.add(new FieldError("patch", "is required: the fields to change, as an object"));
    }
    String id = text(item, "id", errors);
    String sku = text(item, "sku", errors);
    if ("create".equals(kind)) {
      if (id != null || sku != null) {
        errors.add(new FieldError(id != null ? "id" : "sku", "a create gets a new id: use replace to write a given "
            + "id or sku"));
      }
      if (version != null) {
        errors.add(new FieldError("version", "a create is the first write of a new product: it takes no version"));
      }
    }
    if (!errors.isEmpty()) {
      return Parsed.of(errors);
    }
    if ("create".equals(kind)) {
      ProductRequestParser.Result result = products.parse((ObjectNode) product);
      return result instanceof ProductRequestParser.Invalid invalid ? Parsed.of(invalid.errors())
          : new Parsed(WriteDraft.create(((ProductRequestParser.Valid) result).draft()), List.of());
    }
    String target = target(id, sku, errors);
    if (target == null) {
      return Parsed.of(errors);
    }
    return switch (kind) {
      case "replace" -> replace(target, sku, (ObjectNode) product, version);
      case "patch" -> patch(target, sku != null, (ObjectNode) patch, version);
      default -> delete(target, version);
    };
  }

  private static String text(ObjectNode item, String field, List<FieldError> errors) {
    JsonNode value = item.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    return value.textValue();
  }
}
