package io.asynccatalog.aws;

import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.awscore.endpoints.authscheme.EndpointAuthScheme;
import software.amazon.awssdk.awscore.endpoints.authscheme.SigV4AuthScheme;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a direct call goes and how it is signed, as the service's SDK client resolves it with its own endpoint
 * provider: the endpoint's URL and its SigV4 signing name and region (the client's defaults where the endpoint names
 * none).
 */
record SignedEndpoint(URI url, SignedRequests.Scope scope) {

  /**
   * The endpoint an endpoint provider resolved; empty where it asks for another auth scheme than SigV4 (S3 Express
   * directory buckets, multi-region access points, ...), whose calls stay on the SDK's path.
   */
  static Optional<SignedEndpoint> of(CompletableFuture<Endpoint> resolved, Region region, String signingName,
                                     boolean s3) {
    Endpoint endpoint = completed(resolved, "endpoint provider");
    List<EndpointAuthScheme> schemes = endpoint.attribute(AwsEndpointAttribute.AUTH_SCHEMES);
    if (schemes == null || schemes.isEmpty()) {
      return Optional.of(new SignedEndpoint(endpoint.url(), new SignedRequests.Scope(signingName, region.id(), s3)));
    }
    if (!(schemes.get(0) instanceof SigV4AuthScheme sigV4)) {
      return Optional.empty();
    }
    return Optional.of(new SignedEndpoint(endpoint.url(), new SignedRequests.Scope(
        sigV4.signingName() != null ? sigV4.signingName() : signingName,
        sigV4.signingRegion() != null ? sigV4.signingRegion() : region.id(), s3)));
  }

  /** AWS_USE_FIPS_ENDPOINT, as the SDK's clients read it. */
  static boolean fips() {
    return SdkSystemSetting.AWS_USE_FIPS_ENDPOINT.getBooleanValue().orElse(false);
  }

  /** AWS_USE_DUALSTACK_ENDPOINT, as the SDK's clients read it. */
  static boolean dualStack() {
    return SdkSystemSetting.AWS_USE_DUALSTACK_ENDPOINT.getBooleanValue().orElse(false);
  }

  /**
   * The value of a future the SDK completes before it returns it (endpoint rules, signing without reading a
   * payload), read without waiting: a future still running would mean blocking a Vert.x thread, so it is a failure.
   */
  static <T> T completed(CompletableFuture<T> future, String what) {
    if (!future.isDone()) {
      future.cancel(false);
      throw new IllegalStateException("the SDK's " + what + " did not answer at once");
    }
    return future.getNow(null);
  }
}
