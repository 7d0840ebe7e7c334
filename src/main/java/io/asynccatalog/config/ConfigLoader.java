package io.asynccatalog.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Loads the configuration: the defaults shipped in the jar, then {@code conf/config.json} (or the file named by
 * {@code CATALOG_CONFIG_FILE}) when present, then the environment. Later stores win, so the environment beats
 * every file.
 */
public final class ConfigLoader {
  /** The defaults, packaged from {@code conf/config.json}. */
  public static final String DEFAULTS_RESOURCE = "conf/config.json";

  private ConfigLoader() {}

  public static Future<CatalogConfig> load(Vertx vertx) {
    String file = System.getenv().getOrDefault("CATALOG_CONFIG_FILE", "conf/config.json");
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults()))
        .addStore(new ConfigStoreOptions().setType("file").setFormat("json").setOptional(true)
            .setConfig(new JsonObject().put("path", file)))
        .addStore(new ConfigStoreOptions().setType("env"));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .map(CatalogConfig::from)
        .eventually(retriever::close);
  }

  /** The packaged defaults, as a fresh object the caller may change (tests override keys on it). */
  public static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
