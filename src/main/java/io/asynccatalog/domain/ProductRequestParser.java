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

  public ProductRequestParser(ApiContract contract, String defaultCurrency) {
    this.contract = contract;
    this.schema = contract.schema(SCHEMA);
    this.defaultCurrency = defaultCurrency;
    List<String> names = new ArrayList<>();
    contract.at(SCHEMA + "/properties").fieldNames().forEachRemaining(names::add);
    this.allowedFields = String.join(", ", names.stream().sorted().toList());
  }

  /** Either a draft or the list of every invalid field. */
  public sealed interface Result permits Valid, Invalid {}

  public record Valid(ProductDraft draft) implements Result {}

  public record Invalid(String detail, List<FieldError> errors) implements Result {}

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
