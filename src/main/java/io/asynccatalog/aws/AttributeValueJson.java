package io.asynccatalog.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DynamoDB's JSON form of attribute values ({"S": "..."}, {"N": "1"}, ...), both ways, every type. */
final class AttributeValueJson {
  private AttributeValueJson() {}

  static void write(JsonGenerator json, AttributeValue value) throws IOException {
    json.writeStartObject();
    switch (value.type()) {
      case S -> json.writeStringField("S", value.s());
      case N -> json.writeStringField("N", value.n());
      case B -> json.writeStringField("B", Base64.getEncoder().encodeToString(value.b().asByteArrayUnsafe()));
      case BOOL -> json.writeBooleanField("BOOL", value.bool());
      case NUL -> json.writeBooleanField("NULL", true);
      case SS -> strings(json, "SS", value.ss());
      case NS -> strings(json, "NS", value.ns());
      case BS -> {
        json.writeArrayFieldStart("BS");
        for (SdkBytes bytes : value.bs()) {
          json.writeString(Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe()));
        }
        json.writeEndArray();
      }
      case L -> {
        json.writeArrayFieldStart("L");
        for (AttributeValue element : value.l()) {
          write(json, element);
        }
        json.writeEndArray();
      }
      case M -> {
        json.writeObjectFieldStart("M");
        for (Map.Entry<String, AttributeValue> entry : value.m().entrySet()) {
          json.writeFieldName(entry.getKey());
          write(json, entry.getValue());
        }
        json.writeEndObject();
      }
      default -> throw new IllegalArgumentException("an attribute value of no known type: " + value);
    }
    json.writeEndObject();
  }

  private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
    json.writeArrayFieldStart(name);
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }

  static Map<String, AttributeValue> item(JsonObject json) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    json.forEach(entry -> item.put(entry.getKey(), read((JsonObject) entry.getValue())));
    return item;
  }

  static AttributeValue read(JsonObject json) {
    if (json.size() != 1) {
      throw new IllegalArgumentException("an attribute value holds one type: " + json.encode());
    }
    String type = json.fieldNames().iterator().next();
    Object value = json.getValue(type);
    return switch (type) {
      case "S" -> AttributeValue.fromS((String) value);
      case "N" -> AttributeValue.fromN((String) value);
      case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode((String) value)));
      case "BOOL" -> AttributeValue.fromBool((Boolean) value);
      case "NULL" -> AttributeValue.fromNul((Boolean) value);
      case "SS" -> AttributeValue.fromSs(strings((JsonArray) value));
      case "NS" -> AttributeValue.fromNs(strings((JsonArray) value));
      case "BS" -> AttributeValue.fromBs(strings((JsonArray) value).stream()
          .map(s -> SdkBytes.fromByteArray(Base64.getDecoder().decode(s))).toList());
      case "L" -> {
        List<AttributeValue> list = new ArrayList<>();
        ((JsonArray) value).forEach(element -> list.add(read((JsonObject) element)));
        yield AttributeValue.fromL(list);
      }
      case "M" -> AttributeValue.fromM(item((JsonObject) value));
      default -> throw new IllegalArgumentException("an attribute value of unknown type " + type);
    };
  }

  private static List<String> strings(JsonArray array) {
    List<String> strings = new ArrayList<>(array.size());
    array.forEach(s -> strings.add((String) s));
    return strings;
  }
}
