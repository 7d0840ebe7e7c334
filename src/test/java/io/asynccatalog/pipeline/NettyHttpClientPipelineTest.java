package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;

import java.nio.file.Path;

/** The end-to-end checks again, with the AWS calls on the SDK's Netty client instead of Vert.x's HTTP client. */
class NettyHttpClientPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("netty-http", dir, json -> json.put("CATALOG_AWS_HTTP_CLIENT", "netty"));
  }

  @Override
  int products() {
    return 300;
  }
}
