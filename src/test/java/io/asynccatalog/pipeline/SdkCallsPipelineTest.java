package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;

import java.nio.file.Path;

/**
 * The end-to-end checks again with every AWS call through the SDK's pipeline (CATALOG_AWS_CALLS=sdk), instead of the
 * default requests of our own for S3's PutObject and DynamoDB's BatchExecuteStatement.
 */
class SdkCallsPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("sdk-calls", dir, json -> json.put("CATALOG_AWS_CALLS", "sdk"));
  }

  @Override
  int products() {
    return 300;
  }
}
