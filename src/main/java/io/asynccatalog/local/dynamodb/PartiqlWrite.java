package io.asynccatalog.local.dynamodb;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PartiQL write statements this emulator runs, with their values bound: {@code INSERT INTO t VALUE {'a': ?, ...}}
 * and {@code UPDATE t SET a = ? ... REMOVE b ... WHERE key = ? [AND a = ? | AND a IS [NOT] MISSING ...]} on top-level
 * attributes. Anything else (SELECT, DELETE, document paths, functions, RETURNING) is refused as a ValidationError
 * rather than guessed at. Identifiers are bare or double-quoted, strings single-quoted, values {@code ?} parameters or
 * string, number, boolean and null literals.
 */
sealed interface PartiqlWrite {
  String table();

  /** Creates an item; DynamoDB refuses it with DuplicateItem when one with the same key exists. */
  record Insert(String table, JsonObject item) implements PartiqlWrite {}

  /**
   * Changes an existing item: a missing item or a false predicate fails the condition, as DynamoDB's PartiQL UPDATE,
   * unlike UpdateItem, never creates one.
   */
  record Update(String table, Map<String, Object> set, List<String> remove, List<Predicate> where)
      implements PartiqlWrite {}

  /** {@code attribute = value}, {@code attribute IS MISSING} (value null, missing true) or {@code IS NOT MISSING}. */
  record Predicate(String attribute, Object value, boolean missing) {}

  /** A statement this emulator cannot run, or a malformed one: DynamoDB's ValidationError. */
  final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  static PartiqlWrite parse(String statement, JsonArray parameters) {
    return new Parser(statement, parameters == null ? new JsonArray() : parameters).statement();
  }

  final class Parser {
    private final TokenCursor tokens;
    private final JsonArray parameters;
    private int parameter;

    private Parser(String text, JsonArray parameters) {
      this.tokens = new TokenCursor(tokenize(text), Invalid::new);
      this.parameters = parameters;
    }

    private PartiqlWrite statement() {
      String verb = keyword();
      PartiqlWrite write = switch (verb) {
        case "INSERT" -> insert();
        case "UPDATE" -> update();
        default -> throw new Invalid("Statement not supported by this emulator: " + verb
            + " (it runs INSERT and UPDATE)");
      };
      tokens.expectEnd();
      if (parameter != parameters.size()) {
        throw new Invalid("Number of parameters in request and statement don't match.");
      }
      return write;
    }

    private Insert insert() {
      expectKeyword("INTO");
      String table = identifier();
      expectKeyword("VALUE");
      tokens.expect("{");
      JsonObject item = new JsonObject();
      do {
        String name = string();
        tokens.expect(":");
        if (item.containsKey(name)) {
          throw new Invalid("Duplicate attribute name in VALUE: " + name);
        }
        item.put(name, value());
      } while (tokens.accept(","));
      tokens.expect("}");
      return new Insert(table, item);
    }

    private Update update() {
      String table = identifier();
      Map<String, Object> set = new LinkedHashMap<>();
      List<String> remove = new ArrayList<>();
      while (true) {
        if (tokens.acceptKeyword("SET")) {
          String name = identifier();
          tokens.expect("=");
          if (set.put(name, value()) != null || remove.contains(name)) {
            throw new Invalid("Two document paths overlap: " + name);
          }
        } else if (tokens.acceptKeyword("REMOVE")) {
          String name = identifier();
          if (set.containsKey(name) || remove.contains(name)) {
            throw new Invalid("Two document paths overlap: " + name);
          }
          remove.add(name);
        } else {
          break;
        }
      }
      if (set.isEmpty() && remove.isEmpty()) {
        throw new Invalid("UPDATE needs at least one SET or REMOVE");
      }
      expectKeyword("WHERE");
      List<Predicate> where = new ArrayList<>();
      do {
        String name = identifier();
        if (tokens.acceptKeyword("IS")) {
          boolean not = tokens.acceptKeyword("NOT");
          expectKeyword("MISSING");
          where.add(new Predicate(name, null, !not));
        } else {
          tokens.expect("=");
          where.add(new Predicate(name, value(), false));
        }
      } while (tokens.acceptKeyword("AND"));
      return new Update(table, set, remove, where);
    }

    private Object value() {
      String token = tokens.next();
      if (token.equals("?")) {
        if (parameter >= parameters.size()) {
          throw new Invalid("Number of parameters in request and statement don't match.");
        }
        Object value = parameters.getValue(parameter++);
        if (!(value instanceof JsonObject json) || json.size() != 1) {
          throw new Invalid("A parameter must be an AttributeValue");
        }
        return json.copy();
      }
      if (token.startsWith("'")) {
        return new JsonObject().put("S", unquote(token, '\''));
      }
      if (token.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
        return new JsonObject().put("N", token);
      }
      return switch (token.toUpperCase(Locale.ROOT)) {
        case "TRUE" -> new JsonObject().put("BOOL", true);
        case "FALSE" -> new JsonObject().put("BOOL", false);
        case "NULL" -> new JsonObject().put("NULL", true);
        default -> throw new Invalid("Unexpected value: " + token);
      };
    }

    private String identifier() {
      String token = tokens.next();
      if (token.startsWith("\"")) {
        return unquote(token, '"');
      }
      if (!token.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new Invalid("Expected an identifier, found: " + token);
      }
      if (".".equals(tokens.peek()) || "[".equals(tokens.peek())) {
        throw new Invalid("Document paths are not supported by this emulator: " + token + tokens.peek());
      }
      return token;
    }

    private String string() {
      String token = tokens.next();
      if (!token.startsWith("'")) {
        throw new Invalid("Expected a quoted attribute name, found: " + token);
      }
      return unquote(token, '\'');
    }

    private String keyword() {
      return tokens.next().toUpperCase(Locale.ROOT);
    }

    private void expectKeyword(String word) {
      String token = keyword();
      if (!token.equals(word)) {
        throw new Invalid("Expected " + word + ", found: " + token);
      }
    }

    private static String unquote(String token, char quote) {
      String q = String.valueOf(quote);
      return token.substring(1, token.length() - 1).replace(q + q, q);
    }

    private static List<String> tokenize(String text) {
      List<String> tokens = new ArrayList<>();
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '\'' || c == '"') {
          int end = i + 1;
          while (true) {
            if (end >= text.length()) {
              throw new Invalid("Unterminated quoted text at " + i);
            }
            if (text.charAt(end) == c) {
              if (end + 1 < text.length() && text.charAt(end + 1) == c) {
                end += 2; // a doubled quote stands for one
                continue;
              }
              break;
            }
            end++;
          }
          tokens.add(text.substring(i, end + 1));
          i = end + 1;
        } else if ("{}:,=?.[]()<>".indexOf(c) >= 0) {
          tokens.add(String.valueOf(c));
          i++;
        } else {
          int end = i;
          while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end))
              || "_-+".indexOf(text.charAt(end)) >= 0
              || (text.charAt(end) == '.' && end > i && Character.isDigit(text.charAt(end - 1))))) {
            end++;
          }
          if (end == i) {
            throw new Invalid("Unexpected character '" + c + "' at " + i);
          }
          tokens.add(text.substring(i, end));
          i = end;
        }
      }
      return tokens;
    }
  }
}
