package io.asynccatalog.aws;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.ServiceLoader;

/**
 * The AWS-compatible servers of local mode (SQS, DynamoDB and S3), running in this process on loopback. They live
 * in a separate package found through {@link ServiceLoader}, so that the production jar can leave them out and AWS
 * mode never loads them.
 */
public interface EmbeddedAws extends AutoCloseable {

  /** The SQS endpoint, or null when this set of servers has no SQS server. */
  URI sqsEndpoint();

  /** The DynamoDB endpoint, or null when this set of servers has no DynamoDB server. */
  URI dynamoDbEndpoint();

  /** The S3 endpoint, or null when this set of servers has no S3 server. */
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
    default EmbeddedAws start(Path dataDir, int sqsPort, int dynamoDbPort, int s3Port) throws Exception {
      return start(dataDir, sqsPort, dynamoDbPort, s3Port, Set.of(Service.values()));
    }

    /** Starts only the given servers (the {@code emulators} command can run each in its own process). */
    EmbeddedAws start(Path dataDir, int sqsPort, int dynamoDbPort, int s3Port, Set<Service> services)
        throws Exception;
  }

  /** The services that can be emulated. */
  enum Service { SQS, DYNAMODB, S3 }

  /** The packaged implementation, or empty in a build without the local servers. */
  static Optional<Factory> factory() {
    return ServiceLoader.load(Factory.class).findFirst();
  }
}
