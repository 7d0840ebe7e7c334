package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;

import java.nio.file.Path;

/** The end-to-end checks with products and idempotency keys in PostgreSQL (a real server, shared by the test JVM). */
class PostgresPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("pgpipeline", dir, RunningApp.onPostgres("pgpipeline"));
  }

  @Override
  int products() {
    return 300;
  }

  @Override
  boolean listsInIdOrder() {
    return true;
  }
}
