package io.asynccatalog;

import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container's health check: exits 0 when {@code /health/live} answers 200, 1 otherwise. Liveness, not
 * readiness: an outage of SQS makes every instance unready at once, and an orchestrator that restarts unhealthy
 * containers would then restart them all while they ride the outage out with fast 503s. Java, so that any
 * JRE base image works without curl or wget. Usage: {@code java -cp app.jar io.asynccatalog.HealthProbe [url]}.
 */
public final class HealthProbe {
  private HealthProbe() {}

  public static void main(String[] args) {
    String port = System.getenv().getOrDefault("CATALOG_HTTP_PORT", "8080");
    String url = args.length > 0 ? args[0] : "http://127.0.0.1:" + port + "/health/live";
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      connection.setConnectTimeout(2000);
      connection.setReadTimeout(3000);
      int status = connection.getResponseCode();
      System.exit(status == 200 ? 0 : 1);
    } catch (Exception e) {
      System.exit(1);
    }
  }
}
