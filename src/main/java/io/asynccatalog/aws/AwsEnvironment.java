package io.asynccatalog.aws;

import io.asynccatalog.StartupException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.net.URI;
import java.util.Optional;

/**
 * Where the AWS services are and who we are to them. In AWS mode everything comes from the SDK's own default
 * chains, including the standard {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>} overrides; in local
 * mode the endpoints are the embedded servers, which accept any credentials.
 *
 * @param pathStyleS3 true when S3 is reached through an endpoint override (emulators, LocalStack), where
 *                    virtual-hosted bucket names cannot resolve
 */
public record AwsEnvironment(Optional<URI> sqsEndpoint, Optional<URI> dynamoDbEndpoint, Optional<URI> s3Endpoint,
                             AwsCredentialsProvider credentials, Region region, boolean pathStyleS3) {

  /** Region used against the embedded servers; any region works there, this one matches the SDK's default. */
  public static final Region LOCAL_REGION = Region.US_EAST_1;

  public static AwsEnvironment local(URI sqs, URI dynamoDb, URI s3) {
    return new AwsEnvironment(Optional.of(sqs), Optional.of(dynamoDb), Optional.of(s3),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")), LOCAL_REGION, true);
  }

  /**
   * The SDK's default chains. The region is resolved here, at start-up, so that a missing region fails the start
   * with a clear message instead of the first request; credentials refresh in the background, never on an event
   * loop.
   */
  public static AwsEnvironment fromSdkDefaults() {
    Region region;
    try {
      region = DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (RuntimeException e) {
      throw new StartupException("CATALOG_MODE=aws needs an AWS region: set AWS_REGION (or a profile with one)");
    }
    boolean endpointOverride = hasEnv("AWS_ENDPOINT_URL") || hasEnv("AWS_ENDPOINT_URL_S3");
    return new AwsEnvironment(Optional.empty(), Optional.empty(), Optional.empty(),
        DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(true).build(), region, endpointOverride);
  }

  private static boolean hasEnv(String name) {
    String value = System.getenv(name);
    return value != null && !value.isBlank();
  }
}
