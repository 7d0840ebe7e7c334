package io.asynccatalog.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where direct calls go and how they are signed, from the SDK's own endpoint providers, read without waiting. */
class SignedEndpointTest {

  @Test
  void aFutureStillRunningFailsInsteadOfBlocking() {
    CompletableFuture<String> running = new CompletableFuture<>();
    IllegalStateException failure = assertThrows(IllegalStateException.class,
        () -> SignedEndpoint.completed(running, "endpoint provider"));
    assertTrue(failure.getMessage().contains("did not answer at once"), failure.getMessage());
    assertTrue(running.isCancelled(), "the abandoned future is cancelled");
    assertEquals("done", SignedEndpoint.completed(CompletableFuture.completedFuture("done"), "signer"));
  }

  @Test
  void takesTheSigningScopeTheEndpointRulesName() {
    // S3's rules name the signing region of a bucket's endpoint; the client's region fills in where they do not
    SignedEndpoint aws = SignedPutObject.resolve(S3EndpointProvider.defaultProvider(), Region.EU_WEST_1, "reports",
        Optional.empty(), false).orElseThrow();
    assertEquals(URI.create("https://reports.s3.eu-west-1.amazonaws.com"), aws.url());
    assertEquals(new SignedRequests.Scope("s3", "eu-west-1", true), aws.scope());
    SignedEndpoint local = SignedPutObject.resolve(S3EndpointProvider.defaultProvider(), Region.US_EAST_1, "reports",
        Optional.of(URI.create("http://127.0.0.1:9000")), true).orElseThrow();
    assertEquals(URI.create("http://127.0.0.1:9000/reports"), local.url());
  }

  @Test
  void leavesOtherAuthSchemesToTheSdk() {
    // a multi-region access point is signed with SigV4a: not a direct call
    assertTrue(SignedPutObject.resolve(S3EndpointProvider.defaultProvider(), Region.US_EAST_1,
        "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", Optional.empty(), false).isEmpty());
  }
}
