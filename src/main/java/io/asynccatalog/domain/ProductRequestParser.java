package io.asynccatalog.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a product request body in one streaming pass: no tree, no copy, and the raw text of the price, so that
 * exponent notation, excess decimals and binary-float rounding can be told apart and refused.
 */
public final class ProductRequestParser {
  public static final int NAME_MAX = 200;
  public static final int DESCRIPTION_MAX = 4000;
  public static final int SHORT_TEXT_MAX = 64;
  public static final BigDecimal PRICE_MAX = new BigDecimal("1000000000");

  private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(64)
          .maxStringLength(1 << 20).build())
      .build();
  private static final Set<String> FIELDS = Set.of("name", "description", "price", "currency", "sku", "category");

  private final String defaultCurrency;

  public ProductRequestParser(String defaultCurrency) {
    this.defaultCurrency = defaultCurrency;
  }

  /** Either a draft or the list of every invalid field. */
  public sealed interface Result permits Valid, Invalid {}

  public record Valid(ProductDraft draft) implements Result {}

  public record Invalid(String detail, List<FieldError> errors) implements Result {}

  public Result parse(byte[] body) {
    if (body.length == 0) {
      return new Invalid("The request body is empty; send a JSON object.", List.of());
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return new Invalid("The request body must be a JSON object.", List.of());
      }
      Fields fields = new Fields();
      List<FieldError> errors = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!seen.add(field)) {
          errors.add(new FieldError(field, "appears more than once"));
        } else if (!FIELDS.contains(field)) {
          errors.add(new FieldError(field, "is not a product field; allowed: " + String.join(", ", sorted(FIELDS))));
        } else {
          read(field, value, parser, fields, errors);
        }
        parser.skipChildren();
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return new Invalid("The request body must hold exactly one JSON object.", List.of());
      }
      return finish(fields, errors);
    } catch (JsonProcessingException e) {
      return new Invalid("The request body is not valid JSON: " + e.getOriginalMessage(), List.of());
    } catch (IOException e) {
      return new Invalid("The request body could not be read.", List.of());
    }
  }

  private void read(String field, JsonToken value, JsonParser parser, Fields fields, List<FieldError> errors)
      throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return; // same as absent: required fields are reported as missing below
    }
    if (field.equals("price")) {
      fields.price = readPrice(value, parser, errors);
      return;
    }
    if (value != JsonToken.VALUE_STRING) {
      errors.add(new FieldError(field, "must be a string"));
      return;
    }
    String text = parser.getText();
    switch (field) {
      case "name" -> fields.name = text;
      case "description" -> fields.description = text;
      case "currency" -> fields.currency = text;
      case "sku" -> fields.sku = text;
      case "category" -> fields.category = text;
      default -> throw new IllegalStateException(field);
    }
  }

  private static BigDecimal readPrice(JsonToken value, JsonParser parser, List<FieldError> errors)
      throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT
        && value != JsonToken.VALUE_STRING) {
      errors.add(new FieldError("price", "must be a decimal number or a decimal string, e.g. 1.99 or \"1.99\""));
      return null;
    }
    String text = parser.getText().trim();
    if (!PLAIN_DECIMAL.matcher(text).matches()) {
      errors.add(new FieldError("price", "must be a plain decimal such as 1.99 (no exponent, sign or symbols)"));
      return null;
    }
    BigDecimal price = new BigDecimal(text);
    if (price.signum() < 0) {
      errors.add(new FieldError("price", "must be 0 or more"));
    } else if (price.compareTo(PRICE_MAX) > 0) {
      errors.add(new FieldError("price", "must be at most " + PRICE_MAX.toPlainString()));
    } else if (price.scale() > 2) {
      errors.add(new FieldError("price", "must have at most 2 decimal places"));
    } else {
      return price;
    }
    return null;
  }

  private Result finish(Fields f, List<FieldError> errors) {
    String name = f.name == null ? null : f.name.strip();
    if (f.name == null) {
      errors.add(new FieldError("name", "is required"));
    } else {
      checkText("name", name, 1, NAME_MAX, false, errors);
    }
    if (f.price == null && errors.stream().noneMatch(e -> e.field().equals("price"))) {
      errors.add(new FieldError("price", "is required"));
    }
    if (f.description != null) {
      checkText("description", f.description, 0, DESCRIPTION_MAX, true, errors);
    }
    String currency = f.currency == null ? defaultCurrency : f.currency;
    if (f.currency != null && !isIsoCurrency(f.currency)) {
      errors.add(new FieldError("currency", "must be an ISO 4217 code such as USD or EUR"));
    }
    String sku = f.sku == null ? null : f.sku.strip();
    if (sku != null) {
      checkText("sku", sku, 1, SHORT_TEXT_MAX, false, errors);
    }
    String category = f.category == null ? null : f.category.strip();
    if (category != null) {
      checkText("category", category, 1, SHORT_TEXT_MAX, false, errors);
    }
    if (!errors.isEmpty()) {
      return new Invalid("The product has " + errors.size() + " invalid field(s).", List.copyOf(errors));
    }
    return new Valid(new ProductDraft(name, f.description, f.price, currency, sku, category));
  }

  private static void checkText(String field, String text, int min, int max, boolean multiline,
                                List<FieldError> errors) {
    int length = text.codePointCount(0, text.length());
    if (length < min) {
      errors.add(new FieldError(field, min == 1 ? "must not be blank" : "is too short"));
    } else if (length > max) {
      errors.add(new FieldError(field, "must be at most " + max + " characters"));
    } else if (hasForbiddenCharacters(text, multiline)) {
      errors.add(new FieldError(field, "must not contain control characters"));
    }
  }

  private static boolean hasForbiddenCharacters(String text, boolean multiline) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
        return true;
      }
      if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(++i)))) {
        return true; // a lone surrogate cannot be stored as UTF-8
      }
    }
    return false;
  }

  private static boolean isIsoCurrency(String code) {
    if (code.length() != 3) {
      return false;
    }
    try {
      return Currency.getInstance(code).getCurrencyCode().equals(code);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static List<String> sorted(Set<String> set) {
    return set.stream().sorted().toList();
  }

  private static final class Fields {
    String name;
    String description;
    BigDecimal price;
    String currency;
    String sku;
    String category;
  }
}
