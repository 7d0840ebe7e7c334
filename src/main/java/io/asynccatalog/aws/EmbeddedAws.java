package io.asynccatalog.aws;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The AWS-compatible servers of local mode (SQS, DynamoDB and S3), running in this process on loopback. They live
 * in a separate package found through {@link ServiceLoader}, so that the production jar can leave them out and AWS
 * mode never loads them.
 */
public interface EmbeddedAws extends AutoCloseable {

  URI sqsEndpoint();

  URI dynamoDbEndpoint();

  URI s3Endpoint();

  /** Stops all three servers, waiting a bounded time for each. */
  @Override
  void close();

  /** Starts the servers; one implementation is packaged in the full jar. */
  interface Factory {
    /**
     * @param dataDir where the servers keep their data across restarts
     * @param ports   0 picks a free port
     */
    EmbeddedAws start(Path dataDir, int sqsPort, int dynamoDbPort, int s3Port) throws Exception;
  }

  /** The packaged implementation, or empty in a build without the local servers. */
  static Optional<Factory> factory() {
    return ServiceLoader.load(Factory.class).findFirst();
  }
}
