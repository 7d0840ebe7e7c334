package io.asynccatalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** A plain blocking HTTP client for tests that run on the test thread, not on Vert.x. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final String base;

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public HttpResponse<String> post(String path, String contentType, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public HttpResponse<String> postJson(String body) {
    return post("/products", "application/json", body);
  }

  /** A POST /products carrying extra headers, e.g. an Idempotency-Key. */
  public HttpResponse<String> postJson(String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/products"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  /** A POST of raw bytes with the given headers (name, value, ...), e.g. a gzipped bulk request. */
  public HttpResponse<String> post(String path, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  /** A POST /products/batch of JSON with extra headers (name, value, ...). */
  public HttpResponse<String> postBatch(String body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = "application/json";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return post("/products/batch", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), all);
  }

  /** Any request: {@code body} null for none; headers as (name, value, ...). */
  public HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /**
   * A meter's value from the service's /metrics (Prometheus text), e.g. catalog_products_stored_total: the sum of its
   * series when it has labels (catalog_products_accepted_total{client=...}).
   */
  public double meter(String name) {
    List<Double> values = get("/metrics").body().lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
    if (values.isEmpty()) {
      throw new AssertionError("no meter " + name);
    }
    return values.stream().mapToDouble(Double::doubleValue).sum();
  }

  /** One series of a labelled meter, e.g. meter("catalog_products_accepted_total", "client", "shop"); 0 if absent. */
  public double meter(String name, String label, String value) {
    String series = name + "{" + label + "=\"" + value + "\"} ";
    return get("/metrics").body().lines().filter(l -> l.startsWith(series))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length()).trim())).findFirst().orElse(0);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
