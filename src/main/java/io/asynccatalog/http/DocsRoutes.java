package io.asynccatalog.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The pages for people: {@code GET /} links everything (HTML, or JSON for {@code Accept: application/json}), and
 * {@code GET /docs} is Swagger UI on the served contract, from the webjar in the jar (no CDN: it works offline).
 */
final class DocsRoutes {
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final JsonObject LINKS = new JsonObject().put("name", "AsyncCatalog").put("links", new JsonObject()
      .put("docs", "/docs").put("openapi", "/openapi.json").put("health", "/health/ready").put("metrics", "/metrics"));

  private DocsRoutes() {}

  static void install(Router router) {
    Buffer home = resource("docs/home.html");
    Buffer page = resource("docs/index.html");
    Buffer init = resource("docs/init.js");
    router.get("/").produces("text/html").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8").end(home));
    router.get("/").produces("application/json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json").end(LINKS.toBuffer()));
    router.get("/docs").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page));
    router.get("/docs/init.js").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/javascript; charset=utf-8").end(init));
    router.get("/docs/assets/*").handler(StaticHandler.create(WEBJAR + swaggerUiVersion())
        .setCachingEnabled(true).setMaxAgeSeconds(86_400).setDirectoryListing(false));
  }

  /** The version of the Swagger UI webjar on the class path, from its Maven properties. */
  static String swaggerUiVersion() {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(resource("META-INF/maven/org.webjars/swagger-ui/pom.properties").toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  private static Buffer resource(String name) {
    try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
