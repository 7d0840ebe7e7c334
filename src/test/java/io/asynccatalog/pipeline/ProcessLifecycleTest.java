package io.asynccatalog.pipeline;

import io.asynccatalog.testing.Http;
import io.asynccatalog.testing.Poll;
import io.asynccatalog.testing.ServiceProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service as its own process: environment over file, readiness, a clean SIGTERM, a failed start. */
class ProcessLifecycleTest {
  @TempDir
  Path workDir;

  @Test
  void startsFromTheEnvironmentServesAndStopsCleanlyOnSigterm() throws Exception {
    int port = ServiceProcess.freePort();
    Map<String, String> env = Map.of("CATALOG_HTTP_PORT", Integer.toString(port), "CATALOG_HTTP_HOST", "127.0.0.1",
        "CATALOG_DATA_DIR", workDir.resolve("data").toString(), "CATALOG_SQS_WAIT_SECONDS", "20");
    try (ServiceProcess service = ServiceProcess.start(workDir, env)) {
      Http http = new Http(port);
      Poll.until(Duration.ofSeconds(60), "readiness on the port from the environment", () -> ready(http));
      String id = new JsonObject(http.postJson("{\"name\":\"Lamp\",\"price\":12}").body()).getString("id");
      Poll.until(Duration.ofSeconds(30), "the product stored", () -> http.get("/products/" + id).statusCode() == 200);
      assertTrue(Files.isDirectory(workDir.resolve("data").resolve("sqs")), "data under CATALOG_DATA_DIR");

      long stopAsked = System.nanoTime();
      service.terminate();
      Integer exit = service.awaitExit(Duration.ofSeconds(25));
      long stopMillis = (System.nanoTime() - stopAsked) / 1_000_000;
      assertNotNull(exit, "still running 25 s after SIGTERM:\n" + service.output());
      assertEquals(0, exit, service.output());
      assertTrue(service.output().contains("AsyncCatalog stopped"), service.output());
      System.out.printf("SIGTERM to exit: %d ms (a 20 s long poll was pending)%n", stopMillis);
    }
  }

  @Test
  void aBadValueStopsTheStartWithTheKeyNamed() throws Exception {
    try (ServiceProcess service = ServiceProcess.start(workDir, Map.of("CATALOG_HTTP_PORT", "eighty",
        "CATALOG_DATA_DIR", workDir.resolve("data").toString()))) {
      Integer exit = service.awaitExit(Duration.ofSeconds(30));
      assertNotNull(exit, "a bad configuration must stop the start");
      assertNotEquals(0, exit);
      assertTrue(service.output().contains("CATALOG_HTTP_PORT: 'eighty' is not a whole number"), service.output());
      assertTrue(Files.notExists(workDir.resolve("data")), "nothing started before the configuration was valid");
    }
  }

  private static boolean ready(Http http) {
    try {
      return http.get("/health/ready").statusCode() == 200;
    } catch (UncheckedIOException e) {
      return false; // not listening yet
    }
  }
}
