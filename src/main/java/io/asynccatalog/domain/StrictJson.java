package io.asynccatalog.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Reads a request body the way the contract promises: exactly one JSON object, valid UTF-8 and valid Unicode, no
 * duplicate keys, at most {@link #MAX_DEPTH} levels, numbers as plain decimals (exact, never binary floats; an
 * exponent is refused because "1e2" is not how anyone writes a price). Schema rules come after, from the contract.
 */
public final class StrictJson {
  public static final int MAX_DEPTH = 32;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(64)
          .maxStringLength(1 << 20).build())
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private StrictJson() {}

  /** The failure of a read: a sentence for the problem's detail, and the top-level field it happened in, if any. */
  public static final class Refused extends Exception {
    private final String field;

    Refused(String message) {
      this(message, null);
    }

    Refused(String message, String field) {
      super(message, null, false, false);
      this.field = field;
    }

    /** The top-level field being read when the body was refused, or null. */
    public String field() {
      return field;
    }
  }

  public static ObjectNode readObject(byte[] body) throws Refused {
    if (body.length == 0) {
      throw new Refused("The request body is empty; send a JSON object.");
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new Refused("The request body must be a JSON object.");
      }
      ObjectNode object = NODES.objectNode();
      String[] field = new String[1];
      try {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          field[0] = parser.currentName();
          parser.nextToken();
          put(object, field[0], readValue(parser));
        }
      } catch (JsonProcessingException e) {
        throw new Refused(notJson(e), topLevelField(parser, field[0]));
      } catch (Refused e) {
        throw new Refused(e.getMessage(), topLevelField(parser, field[0]));
      }
      if (parser.nextToken() != null) {
        throw new Refused("The request body must hold exactly one JSON object, with nothing after it.");
      }
      return object;
    } catch (JsonProcessingException e) {
      throw new Refused(notJson(e));
    } catch (IOException e) {
      throw new Refused("The request body could not be read.");
    }
  }

  /** Duplicate keys are refused: which of the two values a reader keeps is anybody's guess. */
  private static void put(ObjectNode object, String name, JsonNode value) throws Refused {
    if (object.has(name)) {
      throw new Refused("The key '" + name + "' appears more than once.");
    }
    object.set(name, value);
  }

  /**
   * The top-level property being read: the parser's context knows it even when the failure came while it looked
   * ahead at the next value.
   */
  private static String topLevelField(JsonParser parser, String lastSeen) {
    JsonStreamContext context = parser.getParsingContext();
    while (context != null && context.getParent() != null && !context.getParent().inRoot()) {
      context = context.getParent();
    }
    String name = context != null && context.inObject() ? context.getCurrentName() : null;
    return name != null ? name : lastSeen;
  }

  /** Jackson's reason, without its configuration hints (they name Java classes). */
  private static String notJson(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    int hint = reason.indexOf(": enable");
    if (hint >= 0) {
      reason = reason.substring(0, hint);
    }
    reason = reason.replaceAll("\\s*\\([^)]*`[^)]*\\)", "").replace("`", "'");
    return "The request body is not valid JSON: " + reason
        + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
            + e.getLocation().getColumnNr() + ")");
  }

  private static ObjectNode readObject(JsonParser parser) throws IOException, Refused {
    ObjectNode object = NODES.objectNode();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      put(object, name, readValue(parser));
    }
    return object;
  }

  private static JsonNode readValue(JsonParser parser) throws IOException, Refused {
    return switch (parser.currentToken()) {
      case START_OBJECT -> readObject(parser);
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readValue(parser));
        }
        yield array;
      }
      case VALUE_STRING -> NODES.textNode(unicode(parser.getText(), parser));
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> NODES.numberNode(plainDecimal(parser));
      case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(parser.getBooleanValue());
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new Refused("Unexpected JSON token " + parser.currentToken() + ".");
    };
  }

  private static BigDecimal plainDecimal(JsonParser parser) throws IOException, Refused {
    String text = parser.getText();
    if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
      throw new Refused("Numbers must be written as plain decimals, not '" + text + "' (line "
          + parser.currentLocation().getLineNr() + ").");
    }
    return new BigDecimal(text);
  }

  /** JSON escapes can spell lone surrogates, which are not text and cannot be stored as UTF-8. */
  private static String unicode(String text, JsonParser parser) throws Refused {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
        throw new Refused("A string holds an invalid Unicode character (line "
            + parser.currentLocation().getLineNr() + ").");
      }
    }
    return text;
  }
}
