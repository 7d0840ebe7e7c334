package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The end-to-end checks again, with the AWS calls on Vert.x's HTTP client instead of the SDK's Netty client. */
class VertxHttpClientPipelineTest extends PipelineChecks {
  @TempDir
  static Path dir;
  static RunningApp service;

  @BeforeAll
  static void start() throws Exception {
    service = RunningApp.start("vertx-http", dir, json -> json.put("CATALOG_AWS_HTTP_CLIENT", "vertx"));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Override
  RunningApp service() {
    return service;
  }

  @Override
  int products() {
    return 300;
  }
}
