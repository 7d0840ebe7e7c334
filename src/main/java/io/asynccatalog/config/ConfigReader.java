package io.asynccatalog.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed, validating reads of flat configuration keys. Values may arrive as JSON types (from the file)
 * or as strings (from the environment); every problem is collected and reported with its key.
 */
final class ConfigReader {
  private final JsonObject source;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(JsonObject source) {
    this.source = source;
  }

  String string(String key) {
    Object value = source.getValue(key);
    if (value == null || value.toString().isBlank()) {
      problems.add(key + ": is required");
      return "";
    }
    return value.toString().trim();
  }

  String optionalString(String key) {
    Object value = source.getValue(key);
    return value == null ? "" : value.toString().trim();
  }

  String matching(String key, Pattern pattern, String expected) {
    String value = string(key);
    if (!value.isEmpty() && !pattern.matcher(value).matches()) {
      problems.add(key + ": '" + value + "' is not " + expected);
    }
    return value;
  }

  String oneOf(String key, Set<String> allowed) {
    String value = string(key).toLowerCase(Locale.ROOT);
    if (!value.isEmpty() && !allowed.contains(value)) {
      problems.add(key + ": '" + value + "' is not one of " + allowed);
    }
    return value;
  }

  int integer(String key, int min, int max) {
    Object value = source.getValue(key);
    if (value == null || value.toString().isBlank()) {
      problems.add(key + ": is required");
      return min;
    }
    long parsed;
    try {
      parsed = value instanceof Number n && !(value instanceof Double || value instanceof Float)
          ? n.longValue()
          : Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      problems.add(key + ": '" + value + "' is not a whole number");
      return min;
    }
    if (parsed < min || parsed > max) {
      problems.add(key + ": " + parsed + " is outside " + min + ".." + max);
      return min;
    }
    return (int) parsed;
  }

  /** A comma-separated list; blanks are dropped. */
  List<String> list(String key) {
    return java.util.Arrays.stream(optionalString(key).split(",")).map(String::trim).filter(v -> !v.isEmpty())
        .toList();
  }

  void problem(String message) {
    problems.add(message);
  }

  /** Throws one exception listing every problem found, so a user fixes them all at once. */
  void failOnProblems() {
    if (!problems.isEmpty()) {
      throw new ConfigException("invalid configuration: " + String.join("; ", problems));
    }
  }
}
