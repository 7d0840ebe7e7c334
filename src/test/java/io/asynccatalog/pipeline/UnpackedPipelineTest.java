package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;

import java.nio.file.Path;

/**
 * The end-to-end checks with packing off ({@code CATALOG_PACKING=false}): one product per message in the first
 * format, which instances of earlier versions read; the setting a fleet runs while it is upgraded.
 */
class UnpackedPipelineTest extends PipelineChecks {
  @Override
  RunningApp start(Path dir) throws Exception {
    return RunningApp.start("unpacked", dir, json -> json.put("CATALOG_PACKING", "false"));
  }

  @Override
  int products() {
    return 300;
  }
}
