package io.asynccatalog.pipeline;

import io.asynccatalog.aws.AwsEnvironment;
import io.asynccatalog.testing.RunningApp;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The same end-to-end checks against LocalStack. Needs a Docker engine: without one, JUnit reports the class as
 * skipped ("disabledWithoutDocker"), it does not pass silently.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackPipelineTest extends PipelineChecks {
  @Container
  static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
      .withServices(Service.SQS, Service.DYNAMODB, Service.S3);

  @Override
  RunningApp start(Path dir) throws Exception {
    AwsEnvironment localstack = new AwsEnvironment(
        Optional.of(LOCALSTACK.getEndpointOverride(Service.SQS)),
        Optional.of(LOCALSTACK.getEndpointOverride(Service.DYNAMODB)),
        Optional.of(LOCALSTACK.getEndpointOverride(Service.S3)),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())),
        Region.of(LOCALSTACK.getRegion()), true);
    return RunningApp.start("localstack", dir, localstack, json -> json);
  }

  @Override
  int products() {
    return 100;
  }
}
