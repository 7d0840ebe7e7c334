package io.asynccatalog.testing;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.local.LocalAwsFactory;

import java.nio.file.Path;

/**
 * One set of local AWS-compatible servers for the whole test JVM, started on first use, stopped at exit and its
 * files removed. Tests isolate themselves with their own queue, table and bucket names instead of their own servers.
 */
public final class SharedLocalAws {
  private static EmbeddedAws servers;

  private SharedLocalAws() {}

  public static synchronized AwsEnvironment environment() {
    EmbeddedAws s = servers();
    return AwsEnvironment.local(s.sqsEndpoint(), s.dynamoDbEndpoint(), s.s3Endpoint());
  }

  public static synchronized EmbeddedAws servers() {
    if (servers == null) {
      try {
        Path dir = ScratchDirs.create("catalog-shared-aws", () -> {
          if (servers != null) {
            servers.close();
          }
        }, "shared-local-aws-stop");
        servers = new LocalAwsFactory().start(dir, 0, 0, 0);
      } catch (Exception e) {
        throw new IllegalStateException("could not start the local AWS servers", e);
      }
    }
    return servers;
  }
}
