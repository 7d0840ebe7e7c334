package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;

import java.nio.file.Path;

/** The end-to-end checks on the embedded local servers. */
class LocalPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("pipeline", dir, json -> json);
  }

  @Override
  int products() {
    return 300;
  }
}
