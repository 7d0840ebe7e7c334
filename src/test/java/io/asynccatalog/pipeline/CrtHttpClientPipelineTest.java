package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;

import java.nio.file.Path;

/** The end-to-end checks again, with the AWS calls on the AWS Common Runtime's native HTTP client. */
class CrtHttpClientPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("crt-http", dir, json -> json.put("CATALOG_AWS_HTTP_CLIENT", "crt"));
  }

  @Override
  int products() {
    return 300;
  }
}
