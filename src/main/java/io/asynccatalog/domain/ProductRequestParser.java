package io.asynccatalog.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.asynccatalog.contract.ApiContract;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a request body into a product draft: a strict JSON read, then the contract's {@code ProductInput} schema,
 * which is the only place the field rules live. Each invalid field gets one message: the property's
 * {@code x-message} from the contract, or the validator's own words.
 */
public final class ProductRequestParser {
  public static final String SCHEMA = "/components/schemas/ProductInput";

  private final ApiContract contract;
  private final JsonSchema schema;
  private final String defaultCurrency;
  private final String allowedFields;
  private final JsonSchema patchSchema;

  public ProductRequestParser(ApiContract contract, String defaultCurrency) {
    this.contract = contract;
    this.schema = contract.schema(SCHEMA);
    this.patchSchema = contract.schema(PATCH_SCHEMA);
    this.defaultCurrency = defaultCurrency;
    List<String> names = new ArrayList<>();
    contract.at(SCHEMA + "/properties").fieldNames().forEachRemaining(names::add);
    this.allowedFields = String.join(", ", names.stream().sorted().toList());
  }

  /** Either a draft or the list of every invalid field. */
  public sealed interface Result permits Valid, Invalid, ValidPatch {}

  public record Valid(ProductDraft draft) implements Result {}

  public record Invalid(String detail, List<FieldError> errors) implements Result {}

  /** A valid merge patch: the fields it sets, as canonical text, a null value removing the field. */
  public record ValidPatch(Map<String, String> values) implements Result {}

  /** The schema of a merge patch: each field as {@link #SCHEMA} has it, none required. */
  public static final String PATCH_SCHEMA = "/components/schemas/ProductPatch";
  private static final java.util.Set<String> REQUIRED = java.util.Set.of("name", "price", "currency");

  public Result parse(byte[] body) {
    ObjectNode json;
    try {
      json = StrictJson.readObject(body);
    } catch (StrictJson.Refused e) {
      return new Invalid(e.getMessage(), e.field() == null ? List.of() : List.of(new FieldError(e.field(),
          e.getMessage().replace("The request body is not valid JSON: ", ""))));
    }
    return parse(json);
  }

  /** Validates one product object already read strictly (a request body, or an element of a bulk request). */
  public Result parse(ObjectNode json) {
    dropNulls(json);
    List<FieldError> errors = validate(json);
    if (!errors.isEmpty()) {
      return new Invalid("The product has " + errors.size() + " invalid field(s).", errors);
    }
    return new Valid(new ProductDraft(
        json.get("name").textValue().strip(),
        text(json, "description", false),
        price(json.get("price")),
        json.has("currency") ? json.get("currency").textValue() : defaultCurrency,
        text(json, "sku", true),
        text(json, "category", true)));
  }

  /**
   * A merge patch (RFC 7396) of a product: each field it names validated as for a product; {@code null} removes an
   * optional field. {@code keyed}: the product is addressed by its sku, which therefore cannot change.
   */
  public Result parsePatch(byte[] body, boolean keyed) {
    ObjectNode json;
    try {
      json = StrictJson.readObject(body);
    } catch (StrictJson.Refused e) {
      return new Invalid(e.getMessage(), e.field() == null ? List.of() : List.of(new FieldError(e.field(),
          e.getMessage().replace("The request body is not valid JSON: ", ""))));
    }
    return parsePatch(json, keyed);
  }

  public Result parsePatch(ObjectNode json, boolean keyed) {
    Map<String, String> values = new TreeMap<>();
    Map<String, String> byField = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull() && contract.at(SCHEMA + "/properties/" + field.getKey()).isObject()) {
        if (REQUIRED.contains(field.getKey())) {
          byField.put(field.getKey(), "cannot be removed: every product has a " + field.getKey());
        } else {
          values.put(field.getKey(), null);
        }
        fields.remove();
      }
    }
    if (keyed && (json.has("sku") || values.containsKey("sku"))) {
      byField.put("sku", "is the key the product is addressed by here; it cannot change");
    }
    if (json.isEmpty() && values.isEmpty() && byField.isEmpty()) {
      byField.put("body", "a merge patch names at least one product field");
    }
    for (ValidationMessage message : patchSchema.validate(json)) {
      String field = "additionalProperties".equals(message.getType()) ? message.getProperty()
          : topLevelField(message.getInstanceLocation().toString());
      byField.putIfAbsent(field, describe(message, field));
    }
    if (!byField.isEmpty()) {
      List<FieldError> errors = new ArrayList<>(byField.size());
      byField.forEach((field, text) -> errors.add(new FieldError(field, text)));
      return new Invalid("The merge patch has " + errors.size() + " invalid field(s).", errors);
    }
    json.fields().forEachRemaining(field -> values.put(field.getKey(), switch (field.getKey()) {
      case "price" -> price(field.getValue()).toPlainString();
      case "description" -> field.getValue().textValue();
      default -> field.getValue().textValue().strip();
    }));
    return new ValidPatch(values);
  }

  /** A null value means the field is absent, as the contract says. */
  private static void dropNulls(ObjectNode json) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext(); ) {
      if (fields.next().getValue().isNull()) {
        fields.remove();
      }
    }
  }

  private List<FieldError> validate(ObjectNode json) {
    Map<String, String> byField = new TreeMap<>();
    for (ValidationMessage message : schema.validate(json)) {
      String field = switch (message.getType()) {
        case "required", "additionalProperties" -> message.getProperty();
        default -> topLevelField(message.getInstanceLocation().toString());
      };
      byField.putIfAbsent(field, describe(message, field));
    }
    List<FieldError> errors = new ArrayList<>(byField.size());
    byField.forEach((field, text) -> errors.add(new FieldError(field, text)));
    return errors;
  }

  private String describe(ValidationMessage message, String field) {
    switch (message.getType()) {
      case "required":
        return "is required";
      case "additionalProperties":
        return "is not a product field; allowed: " + allowedFields;
      default:
        JsonNode custom = contract.at(SCHEMA + "/properties/" + field + "/x-message");
        if (custom.isTextual()) {
          return custom.textValue();
        }
        String text = message.getMessage();
        int colon = text.indexOf(": ");
        return colon >= 0 ? text.substring(colon + 2) : text;
    }
  }

  /** "$.price" or "$.name" to the property name; the body's own problems are reported on "body". */
  private static String topLevelField(String location) {
    if (!location.startsWith("$.")) {
      return "body";
    }
    String rest = location.substring(2);
    int end = rest.indexOf('.');
    int bracket = rest.indexOf('[');
    if (bracket >= 0 && (end < 0 || bracket < end)) {
      end = bracket;
    }
    return end < 0 ? rest : rest.substring(0, end);
  }

  private static BigDecimal price(JsonNode price) {
    return price.isTextual() ? new BigDecimal(price.textValue()) : price.decimalValue();
  }

  private static String text(ObjectNode json, String field, boolean strip) {
    JsonNode value = json.get(field);
    if (value == null) {
      return null;
    }
    return strip ? value.textValue().strip() : value.textValue();
  }
}
