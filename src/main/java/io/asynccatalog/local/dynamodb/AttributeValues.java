package io.asynccatalog.local.dynamodb;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/** DynamoDB attribute values in their wire JSON form ({@code {"S": "x"}}, {@code {"N": "1.5"}}, ...). */
final class AttributeValues {
  static final int MAX_ITEM_BYTES = 400 * 1024;
  private static final Set<String> TYPES = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS");

  private AttributeValues() {}

  /** The single type tag of a value, after checking the value is well formed. */
  static String typeOf(Object value) {
    if (!(value instanceof JsonObject json) || json.size() != 1) {
      throw DynamoDbException.validation("Supplied AttributeValue has more than one datatypes set, "
          + "must contain exactly one of the supported datatypes");
    }
    String type = json.fieldNames().iterator().next();
    if (!TYPES.contains(type)) {
      throw DynamoDbException.validation("Supplied AttributeValue has an unknown datatype: " + type);
    }
    if (type.equals("N")) {
      number(json.getValue("N"));
    }
    return type;
  }

  static BigDecimal number(Object text) {
    try {
      BigDecimal n = new BigDecimal(String.valueOf(text));
      if (n.precision() > 38) {
        throw DynamoDbException.validation("Attempting to store more than 38 significant digits in a Number");
      }
      return n;
    } catch (NumberFormatException e) {
      throw DynamoDbException.validation("The parameter cannot be converted to a numeric value: " + text);
    }
  }

  /**
   * The storage key of an item's partition key: type tag plus canonical text, so that {@code 1.0} and {@code 1}
   * name the same number item, as in DynamoDB.
   */
  static String storageKey(JsonObject item, String keyName, String keyType) {
    Object value = item.getValue(keyName);
    if (value == null) {
      throw DynamoDbException.validation("One or more parameter values were invalid: Missing the key " + keyName
          + " in the item");
    }
    String type = typeOf(value);
    if (!type.equals(keyType)) {
      throw DynamoDbException.validation("One or more parameter values were invalid: Type mismatch for key "
          + keyName + " expected: " + keyType + " actual: " + type);
    }
    Object raw = ((JsonObject) value).getValue(type);
    String text = switch (type) {
      case "N" -> number(raw).stripTrailingZeros().toPlainString();
      default -> String.valueOf(raw);
    };
    if (text.isEmpty()) {
      throw DynamoDbException.validation("One or more parameter values are not valid. The AttributeValue for a key "
          + "attribute cannot contain an empty string value. Key: " + keyName);
    }
    return type + text;
  }

  /** Checks every attribute of an item and its total size, as PutItem does. */
  static void validateItem(JsonObject item) {
    for (Map.Entry<String, Object> attribute : item) {
      typeOf(attribute.getValue());
    }
    if (sizeOf(item) > MAX_ITEM_BYTES) {
      throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
    }
  }

  /** Approximates DynamoDB's item size: attribute names plus the UTF-8 bytes of their values. */
  static int sizeOf(JsonObject item) {
    int size = 0;
    for (Map.Entry<String, Object> attribute : item) {
      size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length;
      size += String.valueOf(attribute.getValue()).getBytes(StandardCharsets.UTF_8).length;
    }
    return size;
  }

  /** Compares two scalar values of the same type; returns null when they are not comparable. */
  static Integer compare(Object left, Object right) {
    if (left == null || right == null) {
      return null;
    }
    String lt = typeOf(left);
    String rt = typeOf(right);
    if (!lt.equals(rt)) {
      return null;
    }
    Object l = ((JsonObject) left).getValue(lt);
    Object r = ((JsonObject) right).getValue(rt);
    return switch (lt) {
      case "N" -> number(l).compareTo(number(r));
      case "S" -> compareBytes(((String) l).getBytes(StandardCharsets.UTF_8), ((String) r).getBytes(StandardCharsets.UTF_8));
      case "B" -> compareBytes(Base64.getDecoder().decode((String) l), Base64.getDecoder().decode((String) r));
      default -> null;
    };
  }

  /** Equality in DynamoDB's sense: numbers by value, everything else by content. */
  static boolean equal(Object left, Object right) {
    Integer order = compare(left, right);
    if (order != null) {
      return order == 0;
    }
    return left != null && left.equals(right);
  }

  private static int compareBytes(byte[] a, byte[] b) {
    return java.util.Arrays.compareUnsigned(a, b);
  }
}
