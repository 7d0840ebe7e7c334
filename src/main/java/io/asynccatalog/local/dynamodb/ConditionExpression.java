package io.asynccatalog.local.dynamodb;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DynamoDB condition expressions, the subset a key-value service needs: {@code attribute_exists(p)},
 * {@code attribute_not_exists(p)}, {@code begins_with(p, :v)}, comparisons ({@code = <> < <= > >=}) between
 * top-level attributes and values, combined with {@code AND}, {@code OR}, {@code NOT} and parentheses. Anything
 * else is refused with a ValidationException rather than evaluated wrongly.
 */
final class ConditionExpression {
  /** Evaluates against one item (null when the item does not exist). */
  interface Condition {
    boolean test(JsonObject item);
  }

  private final TokenCursor tokens;
  private final JsonObject names;
  private final JsonObject values;

  private ConditionExpression(String text, JsonObject names, JsonObject values) {
    this.tokens = new TokenCursor(tokenize(text), ConditionExpression::invalid);
    this.names = names == null ? new JsonObject() : names;
    this.values = values == null ? new JsonObject() : values;
  }

  static Condition parse(String text, JsonObject names, JsonObject values) {
    ConditionExpression parser = new ConditionExpression(text, names, values);
    Condition condition = parser.or();
    parser.tokens.expectEnd();
    return condition;
  }

  /** Resolves a path token ({@code #alias} or a plain name) to an attribute name. */
  static String attributeName(String token, JsonObject names) {
    if (token.startsWith("#")) {
      String name = names == null ? null : names.getString(token);
      if (name == null) {
        throw DynamoDbException.validation("Value provided in ExpressionAttributeNames unused in expressions "
            + "or undefined: " + token);
      }
      return name;
    }
    if (!token.matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw invalid("'" + token + "' is not a supported attribute path (nested paths are not supported)");
    }
    return token;
  }

  private Condition or() {
    Condition left = and();
    while (tokens.acceptKeyword("OR")) {
      Condition l = left;
      Condition r = and();
      left = item -> l.test(item) || r.test(item);
    }
    return left;
  }

  private Condition and() {
    Condition left = not();
    while (tokens.acceptKeyword("AND")) {
      Condition l = left;
      Condition r = not();
      left = item -> l.test(item) && r.test(item);
    }
    return left;
  }

  private Condition not() {
    if (tokens.acceptKeyword("NOT")) {
      Condition inner = not();
      return item -> !inner.test(item);
    }
    return primary();
  }

  private Condition primary() {
    if (tokens.accept("(")) {
      Condition inner = or();
      tokens.expect(")");
      return inner;
    }
    String token = tokens.next();
    String function = token.toLowerCase(Locale.ROOT);
    if (function.equals("attribute_exists") || function.equals("attribute_not_exists")) {
      tokens.expect("(");
      String name = attributeName(tokens.next(), names);
      tokens.expect(")");
      boolean exists = function.equals("attribute_exists");
      return item -> (item != null && item.containsKey(name)) == exists;
    }
    if (function.equals("begins_with")) {
      tokens.expect("(");
      Operand path = operand(tokens.next());
      tokens.expect(",");
      Operand prefix = operand(tokens.next());
      tokens.expect(")");
      return item -> {
        Object a = path.resolve(item);
        Object b = prefix.resolve(item);
        return a instanceof JsonObject x && b instanceof JsonObject y && x.getValue("S") instanceof String s
            && y.getValue("S") instanceof String p && s.startsWith(p);
      };
    }
    Operand left = operand(token);
    String comparator = tokens.next();
    Operand right = operand(tokens.next());
    return switch (comparator) {
      case "=" -> item -> AttributeValues.equal(left.resolve(item), right.resolve(item));
      case "<>" -> item -> !AttributeValues.equal(left.resolve(item), right.resolve(item));
      case "<", "<=", ">", ">=" -> item -> {
        Integer order = AttributeValues.compare(left.resolve(item), right.resolve(item));
        return order != null && switch (comparator) {
          case "<" -> order < 0;
          case "<=" -> order <= 0;
          case ">" -> order > 0;
          default -> order >= 0;
        };
      };
      default -> throw invalid("unsupported comparator '" + comparator + "'");
    };
  }

  private interface Operand {
    Object resolve(JsonObject item);
  }

  private Operand operand(String token) {
    if (token.startsWith(":")) {
      Object value = values.getValue(token);
      if (value == null) {
        throw DynamoDbException.validation("An expression attribute value used in expression is not defined; "
            + "attribute value: " + token);
      }
      AttributeValues.typeOf(value);
      return item -> value;
    }
    String name = attributeName(token, names);
    return item -> item == null ? null : item.getValue(name);
  }

  private static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(' || c == ')' || c == ',' || c == '=') {
        tokens.add(String.valueOf(c));
        i++;
      } else if (c == '<' || c == '>') {
        boolean two = i + 1 < text.length() && (text.charAt(i + 1) == '=' || (c == '<' && text.charAt(i + 1) == '>'));
        tokens.add(text.substring(i, i + (two ? 2 : 1)));
        i += two ? 2 : 1;
      } else {
        int start = i;
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || "_#:.-".indexOf(text.charAt(i)) >= 0)) {
          i++;
        }
        if (start == i) {
          throw invalid("unexpected character '" + c + "'");
        }
        tokens.add(text.substring(start, i));
      }
    }
    return tokens;
  }

  private static DynamoDbException invalid(String why) {
    return DynamoDbException.validation("Invalid ConditionExpression: " + why);
  }
}
