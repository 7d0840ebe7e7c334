package io.asynccatalog.docs;

import io.asynccatalog.contract.ApiContract;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documents must not drift from what they describe: the configuration, the routes, their own links. */
class DocsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| ([^|]+) \\|");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");

  private static String read(String file) throws IOException {
    return Files.readString(ROOT.resolve(file));
  }

  /** The first table of docs/configuration.md: key to its documented default, as written. */
  private static Map<String, String> documentedKeys() throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : read("docs/configuration.md").split("\n")) {
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        inTable = true;
        keys.put(row.group(1), row.group(2).trim());
      } else if (inTable && !line.startsWith("|")) {
        break; // the environment-only table further down is not the configuration file's
      }
    }
    return keys;
  }

  @Test
  void everyConfigurationKeyIsDocumentedWithItsDefaultAndNothingElseIs() throws IOException {
    JsonObject config = new JsonObject(read("conf/config.json"));
    Map<String, String> documented = documentedKeys();
    List<String> problems = new ArrayList<>();
    for (String key : config.fieldNames()) {
      String value = String.valueOf(config.getValue(key));
      String expected = value.isEmpty() ? "(none)" : "`" + value + "`";
      if (!documented.containsKey(key)) {
        problems.add(key + " is not in docs/configuration.md");
      } else if (!documented.get(key).equals(expected)) {
        problems.add(key + ": documented default " + documented.get(key) + ", the file says " + expected);
      }
    }
    for (String key : documented.keySet()) {
      if (!config.containsKey(key)) {
        problems.add(key + " is documented but not in conf/config.json");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    assertEquals(config.size(), documented.size());
  }

  @Test
  void everyRouteOfTheContractIsInTheReadmesApiTable() throws IOException {
    String readme = read("README.md");
    int start = readme.indexOf("## The API at a glance");
    assertTrue(start >= 0, "the README has its API table");
    String table = readme.substring(start, readme.indexOf("\n## ", start + 1));
    JsonObject paths = new JsonObject(ApiContract.load().json()).getJsonObject("paths");
    TreeSet<String> missing = new TreeSet<>();
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        String route = "`" + method.toUpperCase() + " " + path + "`";
        if (!table.contains(route)) {
          missing.add(route);
        }
      }
    }
    assertTrue(missing.isEmpty(), "routes of the contract missing from the README's API table: " + missing);
  }

  @Test
  void theReadmeStaysShortAndEveryLocalLinkOfTheDocsLeadsSomewhere() throws IOException {
    long lines = read("README.md").lines().count();
    assertTrue(lines <= 300, "the README has " + lines + " lines; details belong in docs/");
    List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHALLENGE.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(documents::add);
    }
    List<String> broken = new ArrayList<>();
    for (Path document : documents) {
      Matcher link = LINK.matcher(Files.readString(document));
      while (link.find()) {
        Path target = document.getParent().resolve(link.group(1)).normalize();
        if (!Files.exists(target)) {
          broken.add(ROOT.relativize(document) + " -> " + link.group(1));
        }
      }
    }
    assertTrue(broken.isEmpty(), "links to nothing: " + broken);
  }
}
