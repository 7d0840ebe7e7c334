package io.asynccatalog.aws;

import io.asynccatalog.aws.VertxSdkHttpClient.Exchange;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Calls whose request bytes we write ourselves, for the few hot call kinds of fixed shape, signed with the SDK's own
 * SigV4 signer ({@link AwsV4HttpSigner}). Only the SDK's per-call pipeline is left out (marshalling, interceptors,
 * per-call endpoint and auth-scheme resolution, its timers); everything that keeps a call correct is the SDK's:
 * credentials come from its provider (an ECS task role's refresh as they expire), retries follow the retry strategy
 * of the SDK client the call stands in for (the same token bucket, backoff and throttling rules), the endpoint is
 * the one its endpoint provider resolved, and an error answer becomes the service's own {@link AwsServiceException}
 * as the SDK would throw it. A clock-skew answer corrects the signing clock by the server's Date, as the SDK does.
 * Requests go out on the connections of the Vert.x transport, on the calling event loop.
 */
public final class SignedRequests {
  /** What signs a service's requests: its signing name and region, and its SigV4 flavour. */
  public record Scope(String signingName, String region, boolean s3) {}

  /** How a call's answers read: an error answer as the service's exception, and what spoils a 2xx answer. */
  public interface Answers {
    AwsServiceException error(Exchange answer);

    /** A 2xx answer that must not be taken (a checksum that does not match), retried as the SDK retries it. */
    default Throwable spoiled(Exchange answer) {
      return null;
    }
  }

  private final Vertx vertx;
  private final VertxSdkHttpClient transport;
  private final AwsCredentialsProvider credentials;
  private final RetryStrategy retries;
  private final Scope scope;
  private final Clock clock;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private volatile long skewMillis; // the service's clock minus ours, learnt from a clock-skew answer

  public SignedRequests(Vertx vertx, VertxSdkHttpClient transport, AwsCredentialsProvider credentials,
                        RetryStrategy retries, Scope scope, Clock clock) {
    this.vertx = vertx;
    this.transport = transport;
    this.credentials = credentials;
    this.retries = retries;
    this.scope = scope;
    this.clock = clock;
  }

  /**
   * Sends {@code request} (its headers but the SDK's own and the signature's) until it succeeds, the retry strategy
   * gives up, or {@code timeout} passes ({@link ApiCallTimeoutException}, as the SDK's call timeout). A 2xx answer
   * succeeds; any other is turned into an exception by {@code errors}.
   */
  public Future<Exchange> send(SdkHttpRequest request, Buffer body, Duration timeout, Answers errors) {
    Promise<Void> deadline = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()),
        id -> deadline.tryFail(ApiCallTimeoutException.create(timeout.toMillis())));
    RetryToken token = retries.acquireInitialToken(AcquireInitialTokenRequest.create(scope.signingName())).token();
    Promise<Exchange> answer = Promise.promise();
    attempt(request, body, 1, UUID.randomUUID().toString(), token, errors, deadline, answer);
    deadline.future().onFailure(answer::tryFail);
    return answer.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void attempt(SdkHttpRequest request, Buffer body, int attempt, String invocationId, RetryToken token,
                       Answers errors, Promise<Void> deadline,
                       Promise<Exchange> answer) {
    if (deadline.future().isComplete()) {
      return;
    }
    SdkHttpRequest.Builder headed = request.toBuilder()
        .putHeader("amz-sdk-invocation-id", invocationId)
        .putHeader("amz-sdk-request", "attempt=" + attempt + "; max=" + maxAttempts());
    Future.fromCompletionStage(credentials.resolveIdentity())
        .map(identity -> sign(headed.build(), body, identity, clock.instant().plusMillis(skewMillis)))
        .compose(signed -> transport.exchange(signed, body, deadline.future()))
        .transform(sent -> {
          Throwable failure;
          if (sent.failed()) {
            failure = transportFailure(sent.cause());
          } else if (sent.result().status() / 100 != 2) {
            AwsServiceException error = errors.error(sent.result());
            learnSkew(error, sent.result());
            failure = error;
          } else {
            failure = errors.spoiled(sent.result());
            if (failure == null) {
              retries.recordSuccess(RecordSuccessRequest.create(token));
              answer.tryComplete(sent.result());
              return Future.succeededFuture();
            }
          }
          retryOrFail(request, body, attempt, invocationId, token, errors, deadline, answer, failure);
          return Future.succeededFuture();
        });
  }

  private void retryOrFail(SdkHttpRequest request, Buffer body, int attempt, String invocationId, RetryToken token,
                           Answers errors, Promise<Void> deadline,
                           Promise<Exchange> answer, Throwable failure) {
    if (deadline.future().isComplete()) {
      return;
    }
    RefreshRetryTokenResponse next;
    try {
      next = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(failure).build());
    } catch (TokenAcquisitionFailedException noMore) {
      answer.tryFail(failure);
      return;
    }
    long delay = Math.max(1, next.delay().toMillis());
    vertx.setTimer(delay, id -> attempt(request, body, attempt + 1, invocationId, next.token(), errors, deadline,
        answer));
  }

  private int maxAttempts() {
    return retries.maxAttempts();
  }

  /** A POST of the AWS JSON 1.0 protocol (DynamoDB, SQS) to an endpoint, as the SDK's marshaller builds it. */
  static SdkHttpRequest.Builder jsonPost(URI endpoint, String target, int length) {
    String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
    return SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .protocol(endpoint.getScheme())
        .host(endpoint.getHost())
        .port(endpoint.getPort() == -1 ? null : endpoint.getPort())
        .encodedPath(path)
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("X-Amz-Target", target)
        .putHeader("Content-Length", Integer.toString(length));
  }

  /** The request as the SDK's client would sign it at {@code at}, with the properties its auth scheme gives. */
  SdkHttpRequest sign(SdkHttpRequest request, Buffer body, AwsCredentialsIdentity identity, Instant at) {
    Clock fixed = Clock.fixed(at, ZoneOffset.UTC);
    if (scope.s3()) {
      // S3's scheme: no double encoding or path normalisation, and the payload is not hashed into the signature
      // (UNSIGNED-PAYLOAD, HTTPS or not, as the SDK's async client sends it; its CRC32 header is checked instead)
      return SignedEndpoint.completed(signer.signAsync(b -> b.identity(identity)
              .request(request)
              .putProperty(AwsV4HttpSigner.REGION_NAME, scope.region())
              .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, scope.signingName())
              .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
              .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
              .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
              .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true)
              .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, fixed)), "signer") // nothing of the payload is read
          .request();
    }
    byte[] bytes = body.getBytes();
    return signer.sign(b -> b.identity(identity)
            .request(request)
            .payload(() -> new ByteArrayInputStream(bytes))
            .putProperty(AwsV4HttpSigner.REGION_NAME, scope.region())
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, scope.signingName())
            .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, fixed))
        .request();
  }

  /** A clock-skew answer (RequestTimeTooSkewed, ...): sign the next attempts at the service's time, as the SDK does. */
  private void learnSkew(AwsServiceException error, Exchange answer) {
    String date = answer.headers().get("Date");
    if (date == null || !error.isClockSkewException()) {
      return;
    }
    try {
      Instant server = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      skewMillis = server.toEpochMilli() - clock.millis();
    } catch (RuntimeException unreadable) {
      // no usable Date: the retry goes out on our clock
    }
  }

  /** A transport failure as the SDK reports it: a retryable client exception around the I/O error. */
  private static Throwable transportFailure(Throwable error) {
    if (error instanceof ApiCallTimeoutException || error instanceof SdkClientException) {
      return error;
    }
    IOException io = error instanceof IOException e ? e : new IOException(error.getMessage(), error);
    return SdkClientException.builder().message("Unable to execute HTTP request: " + io.getMessage()).cause(io)
        .build();
  }
}
