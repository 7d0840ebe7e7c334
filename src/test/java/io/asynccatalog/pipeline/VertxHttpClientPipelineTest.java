package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;

import java.nio.file.Path;

/** The end-to-end checks again, with the AWS calls on Vert.x's HTTP client instead of the SDK's Netty client. */
class VertxHttpClientPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("vertx-http", dir, json -> json.put("CATALOG_AWS_HTTP_CLIENT", "vertx"));
  }

  @Override
  int products() {
    return 300;
  }
}
