package io.asynccatalog.http;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.contract.ApiContract;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.testing.DelayProxy;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.RawHttp;
import io.asynccatalog.testing.RunningApp;
import io.asynccatalog.testing.SharedLocalAws;
import io.asynccatalog.testing.AwsFaultProxy;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The served OpenAPI document is valid OpenAPI 3.1, and every path, method and status it documents is produced by
 * a real request whose response matches the documented media type and schema. Dependency outages (for the 503s)
 * come from proxies in front of the local servers.
 */
class ContractTest {
  private static final String KEY = "contract-key";
  private static final String LIMITED = "metered";
  private static final String LIMITED_KEY = "metered-key";
  private static final String BASE = "https://contract.test/openapi.json";
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  static Path dir;
  static DelayProxy sqs;
  static DelayProxy dynamoDb;
  static AwsFaultProxy sqsFaults;
  static RunningApp service;
  static Vertx vertx;
  static JsonObject document;
  static SchemaRepository schemas;
  static final Set<String> covered = new TreeSet<>();

  @BeforeAll
  static void start() throws Exception {
    EmbeddedAws servers = SharedLocalAws.servers();
    sqs = new DelayProxy(servers.sqsEndpoint().getPort());
    dynamoDb = new DelayProxy(servers.dynamoDbEndpoint().getPort());
    sqsFaults = new AwsFaultProxy(sqs.port());
    AwsEnvironment env = AwsEnvironment.local(URI.create("http://127.0.0.1:" + sqsFaults.port()),
        URI.create("http://127.0.0.1:" + dynamoDb.port()), servers.s3Endpoint());
    service = RunningApp.start("contract", dir, env, json -> json
        .put("CATALOG_AUTH", "required").put("CATALOG_API_KEYS", KEY + "," + LIMITED + ":" + LIMITED_KEY)
        .put("CATALOG_RATE_LIMITS", LIMITED + "=1/2")
        .put("CATALOG_HTTP_MAX_BODY_BYTES", 1024)
        .put("CATALOG_BATCH_MAX_BODY_BYTES", 2048)
        .put("CATALOG_PACK_MAX_PRODUCTS", 1) // each product its own message: SQS can take some and not others
        .put("CATALOG_ENQUEUE_TIMEOUT_MS", 1000)
        .put("CATALOG_HTTP_REQUEST_TIMEOUT_MS", 1500)
        .put("CATALOG_AWS_CALL_TIMEOUT_MS", 1000)
        .put("CATALOG_BREAKER_RESET_MS", 2000)
        .put("CATALOG_SQS_WAIT_SECONDS", 1));
    vertx = Vertx.vertx();
    document = new JsonObject(call("GET", "/openapi.json", null, null, null).body());
    schemas = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE)
        .setOutputFormat(OutputFormat.Basic));
    schemas.dereference(BASE, JsonSchema.of(document.copy())); // dereferencing annotates what it is given
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    sqsFaults.close();
    sqs.close();
    dynamoDb.close();
    vertx.close().await();
  }

  private static HttpResponse<String> call(String method, String path, String contentType, String body, String key)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (key != null) {
      request.header("X-API-Key", key);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int statusOf(String path) {
    try {
      return call("GET", path, null, null, KEY).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Performs a request, checks status, media type and schema against the document, and marks it covered. */
  private static HttpResponse<String> expect(String template, String method, int status, String path, String type,
                                             String body, String key) throws Exception {
    HttpResponse<String> response = call(method.toUpperCase(), path, type, body, key);
    assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
    JsonObject documented = resolve(document.getJsonObject("paths").getJsonObject(template).getJsonObject(method)
        .getJsonObject("responses").getJsonObject(Integer.toString(status)));
    JsonObject content = documented.getJsonObject("content");
    if (content == null) { // a 304: no body
      assertTrue(response.body().isEmpty(), method + " " + path + " " + status + ": " + response.body());
      covered.add(template + " " + method + " " + status);
      return response;
    }
    String mediaType = content.fieldNames().iterator().next();
    String actualType = response.headers().firstValue("Content-Type").orElse("");
    assertTrue(actualType.startsWith(mediaType), method + " " + path + " " + status + ": " + actualType + " vs "
        + mediaType);
    if (mediaType.contains("json")) {
      JsonObject schema = content.getJsonObject(mediaType).getJsonObject("schema");
      String ref = schema.getString("$ref");
      OutputUnit result = (ref != null
          ? schemas.validator(BASE + ref)
          : schemas.validator(JsonSchema.of(schema.copy()), new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
              .setBaseUri(BASE).setOutputFormat(OutputFormat.Basic), false))
          .validate(new JsonObject(response.body()));
      assertTrue(result.getValid(), method + " " + path + " " + status + " does not match its schema: "
          + result.getErrors() + "\n" + response.body());
    }
    covered.add(template + " " + method + " " + status);
    return response;
  }

  /** A client limited to a burst of 2 products: the third is answered 429, and a batch of 3 can never fit. */
  private static void expectRateLimits(String json, String product) throws Exception {
    HttpResponse<String> first = expect("/products", "post", 202, "/products", json, product, LIMITED_KEY);
    assertEquals("\"products\";q=2;w=2", first.headers().firstValue("RateLimit-Policy").orElse(null));
    assertEquals("\"products\";r=1;t=1", first.headers().firstValue("RateLimit").orElse(null));
    HttpResponse<String> limited = null;
    for (int i = 0; i < 3 && (limited == null || limited.statusCode() != 429); i++) {
      limited = call("POST", "/products", json, product, LIMITED_KEY); // 1 product/s may refill one meanwhile
    }
    assertEquals(429, limited.statusCode(), limited.body());
    expect429(limited, "/products");
    assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
    String three = "{\"products\":[" + product + "," + product + "," + product + "]}";
    HttpResponse<String> empty = call("POST", "/products/batch", json, three, LIMITED_KEY);
    if (empty.statusCode() == 429 && empty.body().contains("was not read")) { // no product left: refused unread
      expect429(empty, "/products/batch");
    }
    HttpResponse<String>[] last = new HttpResponse[1];
    Poll.until(Duration.ofSeconds(10), "a product refilled, so that the batch is read and found too large", () -> {
      try {
        last[0] = call("POST", "/products/batch", json, three, LIMITED_KEY);
        return last[0].body().contains("rate-limit-burst-exceeded");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    HttpResponse<String> tooLarge = last[0];
    expect429(tooLarge, "/products/batch");
    assertTrue(new JsonObject(tooLarge.body()).getString("type").endsWith(":rate-limit-burst-exceeded"));
    assertTrue(tooLarge.headers().firstValue("Retry-After").isEmpty(), "waiting cannot help: no Retry-After");
  }

  /** GET / as HTML by default and as JSON when asked, 406 for anything else; GET /docs, the Swagger UI page. */
  private static void expectPagesForPeople() throws Exception {
    assertTrue(expect("/", "get", 200, "/", null, null, null).body().contains("href=\"/docs\""));
    HttpResponse<String> json = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + service.app.httpPort() + "/")).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, json.statusCode());
    assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    OutputUnit home = schemas.validator(BASE + "#/components/schemas/Home").validate(new JsonObject(json.body()));
    assertTrue(home.getValid(), home.getErrors() + "\n" + json.body());
    HttpResponse<String> xml = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + service.app.httpPort() + "/")).header("Accept", "application/xml").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(406, xml.statusCode(), xml.body());
    assertTrue(xml.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    covered.add("/ get 406");
    String page = expect("/docs", "get", 200, "/docs", null, null, null).body();
    assertTrue(page.contains("swagger-ui-bundle.js"), page);
    HttpResponse<String> bundle = call("GET", "/docs/assets/swagger-ui-bundle.js", null, null, null);
    assertEquals(200, bundle.statusCode(), "the Swagger UI bundle is served from the jar");
    assertTrue(bundle.body().length() > 100_000);
  }

  /** The replaces, merge patches and deletes, by id and by sku, and the read by sku. */
  private static void expectVersionedWrites(String json, String product) throws Exception {
    String patchType = "application/merge-patch+json";
    String id = ProductIds.next();
    String keyed = "/products/sku/C-KEYED";
    String pen = "{\"name\":\"Keyed pen\",\"price\":\"3.00\"}";
    for (String[] target : new String[][] {{"/products/{id}", "/products/" + id}, {"/products/sku/{sku}", keyed}}) {
      String template = target[0];
      String path = target[1];
      expect(template, "put", 202, path, json, "{\"name\":\"Keyed pen\",\"price\":\"3.00\"}", KEY);
      expect(template, "put", 400, path, json, "{\"name\":\"\",\"price\":\"3.00\"}", KEY);
      expect(template, "put", 401, path, json, product, null);
      expect(template, "put", 413, path, json, "{\"name\":\"" + "x".repeat(2000) + "\",\"price\":1}", KEY);
      expect(template, "put", 415, path, "text/plain", product, KEY);
      expect(template, "patch", 202, path + "?version=0", patchType, "{\"description\":\"Blue ink\"}", KEY);
      expect(template, "patch", 400, path, patchType, "{\"name\":null}", KEY);
      expect(template, "patch", 401, path, patchType, "{\"category\":\"Pens\"}", null);
      expect(template, "patch", 413, path, patchType, "{\"name\":\"" + "x".repeat(2000) + "\"}", KEY);
      expect(template, "patch", 415, path, "text/plain", "{\"category\":\"Pens\"}", KEY);
      expect(template, "delete", 400, path + "?version=-1", null, null, KEY);
      expect(template, "delete", 401, path, null, null, null); // refused: the product stays
      for (String method : new String[] {"put", "patch", "delete"}) {
        String type = method.equals("delete") ? null : method.equals("put") ? json : patchType;
        String first = method.equals("delete") ? null : method.equals("put") ? pen : "{\"category\":\"Pens\"}";
        String other = method.equals("delete") ? null : method.equals("put") ? "{\"name\":\"Other\",\"price\":1}"
            : "{\"category\":\"Inks\"}";
        // deletes go to another product: this one is read below
        String writeTo = !method.equals("delete") ? path
            : template.equals("/products/{id}") ? "/products/" + ProductIds.next() : "/products/sku/C-DEL";
        String reusedPath = method.equals("delete") ? writeTo + "?version=7" : writeTo;
        String idempotencyKey = "contract-" + method + "-" + template;
        assertEquals(202, keyedCall(method, writeTo, type, first, idempotencyKey).statusCode());
        HttpResponse<String> reused = keyedCall(method, reusedPath, type, other, idempotencyKey);
        check(template, method, 422, reused);
        HttpResponse<String> limited = null;
        for (int i = 0; i < 5 && (limited == null || limited.statusCode() != 429); i++) {
          limited = call(method.toUpperCase(), writeTo, type, first, LIMITED_KEY); // 1 write/s may refill one
        }
        check(template, method, 429, limited);
      }
    }
    expect("/products/{id}", "delete", 202, "/products/" + ProductIds.next(), null, null, KEY);
    expect("/products/sku/{sku}", "delete", 202, "/products/sku/C-GONE", null, null, KEY);
    String[] etag = new String[1];
    Poll.until(Duration.ofSeconds(30), "the keyed product stored", () -> {
      try {
        HttpResponse<String> read = call("GET", keyed, null, null, KEY);
        etag[0] = read.headers().firstValue("ETag").orElse(null);
        return read.statusCode() == 200 && read.body().contains("Blue ink") && read.body().contains("Pens");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    JsonObject read = new JsonObject(expect("/products/sku/{sku}", "get", 200, keyed, null, null, KEY).body());
    assertEquals(ProductIds.forSku("C-KEYED"), read.getString("id"));
    assertEquals("C-KEYED", read.getString("sku"));
    HttpRequest conditional = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort() + keyed))
        .header("X-API-Key", KEY).header("If-None-Match", etag[0]).GET().build();
    check("/products/sku/{sku}", "get", 304, CLIENT.send(conditional, HttpResponse.BodyHandlers.ofString()));
    expect("/products/sku/{sku}", "get", 400, "/products/sku/%20", null, null, KEY);
    expect("/products/sku/{sku}", "get", 401, keyed, null, null, null);
    expect("/products/sku/{sku}", "get", 404, "/products/sku/C-NOWHERE", null, null, KEY);
  }

  private static HttpResponse<String> keyedCall(String method, String path, String type, String body,
                                                String idempotencyKey) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort()
            + path)).header("X-API-Key", KEY).header("Idempotency-Key", idempotencyKey)
        .method(method.toUpperCase(), body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      request.header("Content-Type", type);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Checks a response made otherwise (its headers, its repetition) against the document, and marks it covered. */
  private static void check(String template, String method, int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), method + " " + template + ": " + response.body());
    JsonObject documented = resolve(document.getJsonObject("paths").getJsonObject(template).getJsonObject(method)
        .getJsonObject("responses").getJsonObject(Integer.toString(status)));
    JsonObject content = documented.getJsonObject("content");
    if (content != null) {
      String mediaType = content.fieldNames().iterator().next();
      assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(mediaType));
      String ref = content.getJsonObject(mediaType).getJsonObject("schema").getString("$ref");
      OutputUnit result = schemas.validator(BASE + ref).validate(new JsonObject(response.body()));
      assertTrue(result.getValid(), result.getErrors() + "\n" + response.body());
    } else {
      assertTrue(response.body().isEmpty());
    }
    covered.add(template + " " + method + " " + status);
  }

  private static void expect429(HttpResponse<String> response, String template) {
    assertEquals(429, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    OutputUnit result = schemas.validator(BASE + "#/components/schemas/Problem").validate(new JsonObject(response.body()));
    assertTrue(result.getValid(), result.getErrors() + "\n" + response.body());
    assertTrue(response.headers().firstValue("RateLimit-Policy").isPresent());
    assertTrue(response.headers().firstValue("RateLimit").isPresent());
    covered.add(template + " post 429");
  }

  private static JsonObject resolve(JsonObject response) {
    String ref = response.getString("$ref");
    if (ref == null) {
      return response;
    }
    return document.getJsonObject("components").getJsonObject("responses").getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
  }

  @Test
  void theServedDocumentIsValidOpenApi31AndIsThePackagedOne() throws Exception {
    JsonObject served = new JsonObject(call("GET", "/openapi.json", null, null, null).body());
    assertEquals(new JsonObject(ApiContract.load().json()), served);
    OutputUnit check = OpenAPIVersion.V3_1.validateContract(vertx,
        OpenAPIVersion.V3_1.getRepository(vertx, "https://contract.test/").await(), served).await();
    assertTrue(check.getValid(), String.valueOf(check.getErrors()));
    assertEquals(200, call("GET", "/openapi.yaml", null, null, null).statusCode());
  }

  @Test
  void everyDocumentedRouteAndStatusIsProducedAndMatchesItsSchema() throws Exception {
    String json = "application/json";
    String product = "{\"name\":\"Contract pen\",\"price\":\"2.50\",\"sku\":\"C-1\"}";
    String id = new JsonObject(expect("/products", "post", 202, "/products", json, product, KEY).body()).getString("id");
    expect("/products", "post", 400, "/products", json, "{\"name\":\"\",\"price\":-1}", KEY);
    expect("/products", "post", 401, "/products", json, product, null);
    expect("/products", "post", 413, "/products", json, "{\"name\":\"" + "x".repeat(2000) + "\",\"price\":1}", KEY);
    expect("/products", "post", 415, "/products", "text/plain", product, KEY);
    expectRateLimits(json, product);
    expectPagesForPeople();
    HttpRequest keyed = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort() + "/products"))
        .header("Content-Type", json).header("X-API-Key", KEY).header("Idempotency-Key", "contract-422")
        .POST(HttpRequest.BodyPublishers.ofString(product)).build();
    assertEquals(202, CLIENT.send(keyed, HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpRequest reused = HttpRequest.newBuilder(keyed.uri()).header("Content-Type", json).header("X-API-Key", KEY)
        .header("Idempotency-Key", "contract-422").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Other\",\"price\":1}"))
        .build();
    HttpResponse<String> conflict = CLIENT.send(reused, HttpResponse.BodyHandlers.ofString());
    assertEquals(422, conflict.statusCode());
    assertEquals(Problems.CONTENT_TYPE, conflict.headers().firstValue("Content-Type").orElse(""));
    covered.add("/products post 422");

    String batch = "{\"products\":[" + product + ",{\"name\":\"Contract pencil\",\"price\":1}]}";
    JsonObject bulk = new JsonObject(expect("/products/batch", "post", 202, "/products/batch", json, batch, KEY).body());
    assertEquals(2, bulk.getInteger("accepted"));
    HttpResponse<String> invalid = expect("/products/batch", "post", 400, "/products/batch", json,
        "{\"products\":[{\"name\":\"ok\",\"price\":1},{\"name\":\"bad\",\"price\":-1}]}", KEY);
    JsonObject error = new JsonObject(invalid.body()).getJsonArray("errors").getJsonObject(0);
    assertEquals(1, error.getInteger("index"), invalid.body());
    assertEquals("price", error.getString("field"), invalid.body());
    expect("/products/batch", "post", 401, "/products/batch", json, batch, null);
    expect("/products/batch", "post", 413, "/products/batch", json,
        "{\"products\":[{\"name\":\"" + "x".repeat(3000) + "\",\"price\":1}]}", KEY);
    expect("/products/batch", "post", 415, "/products/batch", "text/plain", batch, KEY);
    HttpRequest.Builder keyedBatch = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort()
            + "/products/batch")).header("Content-Type", json).header("X-API-Key", KEY)
        .header("Idempotency-Key", "contract-batch-422");
    assertEquals(202, CLIENT.send(keyedBatch.POST(HttpRequest.BodyPublishers.ofString(batch)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> batchConflict = CLIENT.send(keyedBatch.POST(HttpRequest.BodyPublishers.ofString(
        "{\"products\":[" + product + "]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(422, batchConflict.statusCode(), batchConflict.body());
    covered.add("/products/batch post 422");
    sqsFaults.failEntriesContaining("Contract refused");
    JsonObject partial = new JsonObject(expect("/products/batch", "post", 207, "/products/batch", json,
        "{\"products\":[" + product + ",{\"name\":\"Contract refused\",\"price\":1}]}", KEY).body());
    sqsFaults.failEntriesContaining(null);
    assertEquals(1, partial.getInteger("accepted"));
    assertEquals("accepted", partial.getJsonArray("items").getJsonObject(0).getString("status"));
    assertEquals("not-accepted", partial.getJsonArray("items").getJsonObject(1).getString("status"));

    expectVersionedWrites(json, product);

    // SQS answering later than the enqueue deadline: it may have taken the products, and the answer says so
    sqs.delay(1500);
    HttpResponse<String> unknown = expect("/products", "post", 504, "/products", json, product, KEY);
    assertTrue(new JsonObject(unknown.body()).getString("type").endsWith(":outcome-unknown"), unknown.body());
    assertTrue(unknown.headers().firstValue("Location").orElse("").startsWith("/products/"));
    JsonObject maybe = new JsonObject(expect("/products/batch", "post", 207, "/products/batch", json, batch, KEY)
        .body());
    sqs.delay(0);
    // the timeouts counted against SQS's circuit: wait until it takes calls again
    Poll.until(Duration.ofSeconds(30), "SQS reachable again", () -> statusOf("/admin/dlq") == 200);
    assertEquals(0, maybe.getInteger("accepted"));
    assertEquals("unknown", maybe.getJsonArray("items").getJsonObject(1).getString("status"), maybe.encode());
    // the same for the other writes, one at a time (a few timeouts in a row open SQS's circuit)
    for (String[] target : new String[][] {{"/products/{id}", "/products/" + ProductIds.next()}, {"/products/sku/{sku}",
        "/products/sku/C-SLOW"}}) {
      for (String method : new String[] {"put", "patch", "delete"}) {
        String type = method.equals("delete") ? null : method.equals("put") ? json : "application/merge-patch+json";
        String body = method.equals("delete") ? null : method.equals("put") ? "{\"name\":\"Slow pen\",\"price\":1}"
            : "{\"category\":\"Slow\"}";
        // a send still held by the delay may keep this one from being made in time: then it is a plain 503
        // (nothing sent), and the next try makes it
        HttpResponse<String> slow = null;
        for (int attempt = 0; attempt < 5 && (slow == null || slow.statusCode() != 504); attempt++) {
          sqs.delay(1500);
          slow = call(method.toUpperCase(), target[1], type, body, KEY);
          sqs.delay(0);
          Poll.until(Duration.ofSeconds(30), "SQS reachable again", () -> statusOf("/admin/dlq") == 200);
          assertTrue(slow.statusCode() == 504 || slow.statusCode() == 503, slow.body());
        }
        check(target[0], method, 504, slow);
        assertTrue(slow.headers().firstValue("Location").orElse("").startsWith("/products/"));
      }
    }
    // a body that never comes: 408 at the request's deadline
    for (String route : new String[] {"/products", "/products/batch"}) {
      RawHttp.Response late = RawHttp.exchange(service.app.httpPort(), RawHttp.request("POST", route,
          java.util.Map.of("Content-Type", json, "X-API-Key", KEY, "Content-Length", "100"), "{".getBytes()), 10_000);
      assertEquals(408, late.status(), late.body());
      assertEquals(Problems.CONTENT_TYPE, late.header("Content-Type"));
      OutputUnit problem = schemas.validator(BASE + "#/components/schemas/Problem").validate(new JsonObject(late.body()));
      assertTrue(problem.getValid(), problem.getErrors() + "\n" + late.body());
      covered.add(route + " post 408");
    }
    for (String[] target : new String[][] {{"/products/{id}", "/products/" + id}, {"/products/sku/{sku}",
        "/products/sku/C-LATE"}}) {
      for (String method : new String[] {"put", "patch"}) {
        RawHttp.Response late = RawHttp.exchange(service.app.httpPort(), RawHttp.request(method.toUpperCase(),
            target[1], java.util.Map.of("Content-Type", json, "X-API-Key", KEY, "Content-Length", "100"),
            "{".getBytes()), 10_000);
        assertEquals(408, late.status(), late.body());
        covered.add(target[0] + " " + method + " 408");
      }
    }

    Poll.until(Duration.ofSeconds(30), "the product stored",
        () -> statusOf("/products/" + id + "/report") == 200);
    expect("/products", "get", 200, "/products?limit=5", null, null, KEY);
    expect("/products", "get", 400, "/products?limit=0", null, null, KEY);
    expect("/products", "get", 401, "/products?limit=5", null, null, null);
    expect("/products", "get", 429, "/products?limit=5", null, null, LIMITED_KEY); // a page over its burst of 2
    expect("/products/{id}", "get", 200, "/products/" + id, null, null, KEY);
    expect("/products/{id}", "get", 400, "/products/not-an-id", null, null, KEY);
    expect("/products/{id}", "get", 401, "/products/" + id, null, null, null);
    expect("/products/{id}", "get", 404, "/products/" + ProductIds.next(), null, null, KEY);
    expect("/products/{id}/report", "get", 200, "/products/" + id + "/report", null, null, KEY);
    expect("/products/{id}/report", "get", 400, "/products/nope/report", null, null, KEY);
    expect("/products/{id}/report", "get", 401, "/products/" + id + "/report", null, null, "wrong");
    expect("/products/{id}/report", "get", 404, "/products/" + ProductIds.next() + "/report", null, null, KEY);
    expect("/health/live", "get", 200, "/health/live", null, null, null);
    expect("/health/ready", "get", 200, "/health/ready", null, null, null);
    expect("/openapi.json", "get", 200, "/openapi.json", null, null, null);
    String metrics = expect("/metrics", "get", 200, "/metrics", null, null, null).body();
    assertTrue(metrics.contains("catalog_products_accepted_total") && metrics.contains("catalog_products_stored_total")
        && metrics.contains("catalog_circuit_state"), "service meters are exported");
    expect("/admin/dlq", "get", 200, "/admin/dlq", null, null, KEY);
    expect("/admin/dlq", "get", 400, "/admin/dlq?max=11", null, null, KEY);
    expect("/admin/dlq", "get", 401, "/admin/dlq", null, null, "wrong");
    expect("/admin/dlq/redrive", "post", 200, "/admin/dlq/redrive?max=5", null, null, KEY);
    expect("/admin/dlq/redrive", "post", 400, "/admin/dlq/redrive?max=0", null, null, KEY);
    expect("/admin/dlq/redrive", "post", 401, "/admin/dlq/redrive", null, null, null);

    // the 503s: SQS, then DynamoDB, out of reach
    sqs.down(true);
    // the first sends may end on a connection closed mid-call (SQS may have their messages: 504); once the circuit
    // is open, nothing is sent and the answer is a plain 503
    Poll.until(Duration.ofSeconds(30), "the SQS circuit open", () -> {
      try {
        return call("POST", "/products", json, product, KEY).statusCode() == 503;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    expect("/products", "post", 503, "/products", json, product, KEY);
    expect("/products/batch", "post", 503, "/products/batch", json, batch, KEY);
    expect("/admin/dlq", "get", 503, "/admin/dlq", null, null, KEY);
    expect("/admin/dlq/redrive", "post", 503, "/admin/dlq/redrive", null, null, KEY);
    for (String[] target : new String[][] {{"/products/{id}", "/products/" + id}, {"/products/sku/{sku}",
        "/products/sku/C-DOWN"}}) {
      expect(target[0], "put", 503, target[1], json, "{\"name\":\"Down pen\",\"price\":1}", KEY);
      expect(target[0], "patch", 503, target[1], "application/merge-patch+json", "{\"category\":\"Down\"}", KEY);
      expect(target[0], "delete", 503, target[1], null, null, KEY);
    }
    Poll.until(Duration.ofSeconds(30), "readiness down while SQS is unreachable",
        () -> statusOf("/health/ready") == 503);
    expect("/health/ready", "get", 503, "/health/ready", null, null, null);
    sqs.down(false);
    dynamoDb.down(true);
    expect("/products", "get", 503, "/products", null, null, KEY);
    expect("/products/{id}", "get", 503, "/products/" + id, null, null, KEY);
    expect("/products/{id}/report", "get", 503, "/products/" + id + "/report", null, null, KEY);
    expect("/products/sku/{sku}", "get", 503, "/products/sku/C-KEYED", null, null, KEY);
    dynamoDb.down(false);
    Poll.until(Duration.ofSeconds(30), "the store reachable again", () -> statusOf("/products/" + id) == 200);
    HttpRequest unchanged = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.app.httpPort()
        + "/products/" + id)).header("X-API-Key", KEY).header("If-None-Match",
        call("GET", "/products/" + id, null, null, KEY).headers().firstValue("ETag").orElseThrow()).GET().build();
    check("/products/{id}", "get", 304, CLIENT.send(unchanged, HttpResponse.BodyHandlers.ofString()));

    // an instance that does not take versioned writes yet (a fleet being upgraded): 501, nothing queued
    try (RunningApp createsOnly = RunningApp.start("contract-501", dir, json2 -> json2
        .put("CATALOG_VERSIONED_WRITES", "false").put("CATALOG_CONSUMER_INSTANCES", 0))) {
      for (String[] target : new String[][] {{"/products/{id}", "/products/" + id}, {"/products/sku/{sku}",
          "/products/sku/C-OFF"}}) {
        for (String method : new String[] {"put", "patch", "delete"}) {
          HttpRequest.Builder off = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + createsOnly.app.httpPort()
              + target[1])).method(method.toUpperCase(), method.equals("delete")
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{\"name\":\"Off\",\"price\":1}"));
          if (!method.equals("delete")) {
            off.header("Content-Type", method.equals("put") ? json : "application/merge-patch+json");
          }
          check(target[0], method, 501, CLIENT.send(off.build(), HttpResponse.BodyHandlers.ofString()));
        }
      }
    }

    Set<String> documented = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (!Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(method)) {
          continue;
        }
        for (String status : paths.getJsonObject(path).getJsonObject(method).getJsonObject("responses").fieldNames()) {
          documented.add(path + " " + method + " " + status);
        }
      }
    }
    assertEquals(documented, covered, "every documented route and status is exercised, and nothing else");
    System.out.printf("[contract] %d documented route/status pairs, all exercised and matching their schemas%n",
        covered.size());
  }
}
