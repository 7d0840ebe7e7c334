package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The end-to-end checks on the embedded local servers. */
class LocalPipelineTest extends PipelineChecks {
  @TempDir
  static Path dir;
  static RunningApp service;

  @BeforeAll
  static void start() throws Exception {
    service = RunningApp.start("pipeline", dir, json -> json);
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
