package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;

import java.nio.file.Path;

/** The end-to-end checks again, with each report written by a PutObject request of our own (CATALOG_AWS_CALLS). */
class DirectCallsPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("direct-calls", dir, json -> json.put("CATALOG_AWS_CALLS", "direct"));
  }

  @Override
  int products() {
    return 300;
  }
}
