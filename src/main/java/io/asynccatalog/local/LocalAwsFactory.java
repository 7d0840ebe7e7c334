package io.asynccatalog.local;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.local.dynamodb.DynamoDbServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;

/** Starts the three AWS-compatible servers of local mode on 127.0.0.1, with their data under one directory. */
public final class LocalAwsFactory implements EmbeddedAws.Factory {
  private static final Logger LOG = LoggerFactory.getLogger(LocalAwsFactory.class);
  static final String HOST = "127.0.0.1";

  @Override
  public EmbeddedAws start(Path dataDir, int sqsPort, int dynamoDbPort, int s3Port) throws Exception {
    String region = AwsEnvironment.LOCAL_REGION.id();
    LocalSqsServer sqs = null;
    DynamoDbServer dynamoDb = null;
    try {
      sqs = LocalSqsServer.start(dataDir.resolve("sqs"), HOST, sqsPort, region);
      dynamoDb = DynamoDbServer.start(dataDir.resolve("dynamodb").resolve("tables"), HOST, dynamoDbPort, region, 4);
      LocalS3Server s3 = LocalS3Server.start(dataDir.resolve("s3"), HOST, s3Port);
      Servers servers = new Servers(sqs, dynamoDb, s3);
      LOG.info("local SQS at {}, DynamoDB at {}, S3 at {}; data in {}", servers.sqsEndpoint(),
          servers.dynamoDbEndpoint(), servers.s3Endpoint(), dataDir.toAbsolutePath().normalize());
      return servers;
    } catch (Exception e) {
      if (dynamoDb != null) {
        dynamoDb.close();
      }
      if (sqs != null) {
        sqs.close();
      }
      throw e;
    }
  }

  private record Servers(LocalSqsServer sqs, DynamoDbServer dynamoDb, LocalS3Server s3) implements EmbeddedAws {
    @Override
    public URI sqsEndpoint() {
      return URI.create("http://" + HOST + ":" + sqs.port());
    }

    @Override
    public URI dynamoDbEndpoint() {
      return URI.create("http://" + HOST + ":" + dynamoDb.port());
    }

    @Override
    public URI s3Endpoint() {
      return URI.create("http://" + HOST + ":" + s3.port());
    }

    @Override
    public void close() {
      s3.close();
      dynamoDb.close();
      sqs.close();
    }
  }
}
