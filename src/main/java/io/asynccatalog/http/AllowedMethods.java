package io.asynccatalog.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynccatalog.contract.ApiContract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The methods the contract allows on a path, for the {@code Allow} header of a 405. */
final class AllowedMethods {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private final Map<Pattern, String> byPath = new LinkedHashMap<>();

  AllowedMethods(ApiContract contract) {
    JsonNode paths = contract.at("/paths");
    paths.fieldNames().forEachRemaining(template -> {
      List<String> methods = new ArrayList<>();
      paths.get(template).fieldNames().forEachRemaining(m -> {
        if (METHODS.contains(m)) {
          methods.add(m.toUpperCase(Locale.ROOT));
        }
      });
      String regex = "^" + template.replaceAll("\\{[^/]+}", "[^/]+") + "$";
      byPath.put(Pattern.compile(regex), String.join(", ", methods));
    });
  }

  /** The Allow header value for a request path, or null when the contract has no such path. */
  String forPath(String path) {
    for (Map.Entry<Pattern, String> entry : byPath.entrySet()) {
      if (entry.getKey().matcher(path).matches()) {
        return entry.getValue();
      }
    }
    return null;
  }
}
