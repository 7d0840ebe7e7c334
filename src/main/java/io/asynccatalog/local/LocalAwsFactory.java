package io.asynccatalog.local;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.aws.EmbeddedAws.Service;
import io.asynccatalog.local.dynamodb.DynamoDbServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/** Starts the three AWS-compatible servers of local mode on 127.0.0.1, with their data under one directory. */
public final class LocalAwsFactory implements EmbeddedAws.Factory {
  private static final Logger LOG = LoggerFactory.getLogger(LocalAwsFactory.class);
  static final String HOST = "127.0.0.1";

  @Override
  public EmbeddedAws start(Path dataDir, int sqsPort, int dynamoDbPort, int s3Port, Set<Service> services)
      throws Exception {
    String region = AwsEnvironment.LOCAL_REGION.id();
    Servers servers = new Servers();
    try {
      if (services.contains(Service.SQS)) {
        servers.sqs = LocalSqsServer.start(dataDir.resolve("sqs"), HOST, sqsPort, region);
      }
      if (services.contains(Service.DYNAMODB)) {
        servers.dynamoDb = DynamoDbServer.start(dataDir.resolve("dynamodb").resolve("tables"), HOST, dynamoDbPort,
            region, 4);
      }
      if (services.contains(Service.S3)) {
        servers.s3 = LocalS3Server.start(dataDir.resolve("s3"), HOST, s3Port);
      }
    } catch (Exception e) {
      servers.close();
      throw e;
    }
    LOG.info("local SQS at {}, DynamoDB at {}, S3 at {}; data in {}", servers.sqsEndpoint(),
        servers.dynamoDbEndpoint(), servers.s3Endpoint(), dataDir.toAbsolutePath().normalize());
    return servers;
  }

  private static final class Servers implements EmbeddedAws {
    private LocalSqsServer sqs;
    private DynamoDbServer dynamoDb;
    private LocalS3Server s3;

    @Override
    public URI sqsEndpoint() {
      return sqs == null ? null : URI.create("http://" + HOST + ":" + sqs.port());
    }

    @Override
    public URI dynamoDbEndpoint() {
      return dynamoDb == null ? null : URI.create("http://" + HOST + ":" + dynamoDb.port());
    }

    @Override
    public URI s3Endpoint() {
      return s3 == null ? null : URI.create("http://" + HOST + ":" + s3.port());
    }

    @Override
    public void close() {
      if (s3 != null) {
        s3.close();
      }
      if (dynamoDb != null) {
        dynamoDb.close();
      }
      if (sqs != null) {
        sqs.close();
      }
    }
  }
}
