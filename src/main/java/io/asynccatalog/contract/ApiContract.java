package io.asynccatalog.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI 3.1 contract of the API ({@code openapi.yaml} in the jar): served as is, and the source of every
 * request schema the service validates against. Schemas are compiled once and reused.
 */
public final class ApiContract {
  public static final String RESOURCE = "openapi.yaml";
  private static final String BASE = "https://asynccatalog.invalid/openapi.json";

  private final JsonNode document;
  private final Buffer json;
  private final Buffer yaml;
  private final JsonSchemaFactory factory;
  private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

  /** Where the contract states the most products of a bulk request, which the configuration sets. */
  public static final String BATCH_MAX_ITEMS = "/components/schemas/ProductBatchInput/oneOf/0/properties/products";
  private static final String BATCH_MAX_WRITES = "/components/schemas/ProductBatchInput/oneOf/1/properties/writes";

  private ApiContract(byte[] yamlBytes, Integer batchMaxProducts) throws IOException {
    ObjectMapper yamlMapper = new ObjectMapper(new YAMLFactory());
    this.document = yamlMapper.readTree(yamlBytes);
    boolean changed = false;
    for (String list : new String[] {BATCH_MAX_ITEMS, BATCH_MAX_WRITES}) {
      if (batchMaxProducts != null && document.at(list) instanceof ObjectNode items
          && items.path("maxItems").asInt() != batchMaxProducts) {
        items.put("maxItems", batchMaxProducts);
        changed = true;
      }
    }
    String text = new ObjectMapper().writeValueAsString(document);
    this.json = Buffer.buffer(text);
    this.yaml = Buffer.buffer(changed ? yamlMapper.writeValueAsBytes(document) : yamlBytes);
    this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
        builder -> builder.schemaLoaders(loaders -> loaders.schemas(Map.of(BASE, text))));
  }

  /** The contract as shipped. */
  public static ApiContract load() {
    return load(null);
  }

  /** The contract with the configured most products per bulk request (null: as shipped). */
  public static ApiContract load(Integer batchMaxProducts) {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return new ApiContract(in.readAllBytes(), batchMaxProducts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The compiled schema at a JSON pointer of the document, e.g. {@code /components/schemas/ProductInput}. */
  public JsonSchema schema(String pointer) {
    return schemas.computeIfAbsent(pointer, p -> {
      JsonSchema schema = factory.getSchema(SchemaLocation.of(BASE + "#" + p));
      schema.initializeValidators();
      return schema;
    });
  }

  /** The node at a JSON pointer, e.g. to read an {@code x-message}. */
  public JsonNode at(String pointer) {
    return document.at(pointer);
  }

  public Buffer json() {
    return json;
  }

  public Buffer yaml() {
    return yaml;
  }
}
