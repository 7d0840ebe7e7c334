package io.asynccatalog.aws;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One circuit breaker per AWS dependency. Only outages count as failures (no connection, timeouts, 5xx,
 * throttling); a refused request (a 4xx such as a failed condition) says nothing about the dependency's health.
 * An open breaker fails calls at once, so clients get a fast 503 instead of waiting for timeouts, and consumers stop
 * receiving work they could not store.
 */
public final class Dependencies {
  private static final Logger LOG = LoggerFactory.getLogger(Dependencies.class);

  private final CircuitBreaker sqs;
  private final CircuitBreaker dynamoDb;
  private final CircuitBreaker s3;

  public Dependencies(Vertx vertx, int maxFailures, long resetTimeoutMs) {
    this.sqs = breaker(vertx, "sqs", maxFailures, resetTimeoutMs);
    this.dynamoDb = breaker(vertx, "dynamodb", maxFailures, resetTimeoutMs);
    this.s3 = breaker(vertx, "s3", maxFailures, resetTimeoutMs);
  }

  private static CircuitBreaker breaker(Vertx vertx, String name, int maxFailures, long resetTimeoutMs) {
    CircuitBreakerOptions options = new CircuitBreakerOptions()
        .setMaxFailures(maxFailures)
        .setTimeout(-1) // the SDK's own call deadlines apply
        .setResetTimeout(resetTimeoutMs)
        .setNotificationAddress(null);
    CircuitBreaker breaker = CircuitBreaker.create(name, vertx, options)
        .failurePolicy(result -> result.failed() && isOutage(result.cause()));
    breaker.openHandler(v -> LOG.warn("{} is unavailable: circuit open for {} ms", name, resetTimeoutMs))
        .halfOpenHandler(v -> LOG.info("{}: probing whether it is back", name))
        .closeHandler(v -> LOG.info("{} is available again: circuit closed", name));
    return breaker;
  }

  /** True for failures that mean the dependency itself is unavailable, as opposed to a refused request. */
  public static boolean isOutage(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof AwsServiceException service) {
      return service.statusCode() >= 500 || service.isThrottlingException();
    }
    return cause instanceof SdkClientException || cause instanceof TimeoutException
        || (cause instanceof SdkException && cause.getCause() instanceof java.io.IOException);
  }

  /** What went wrong, in the service's own words, without the class names of the exceptions around it. */
  public static String describe(Throwable error) {
    Throwable cause = unwrap(error);
    String text = cause instanceof AwsServiceException service && service.awsErrorDetails() != null
        && service.awsErrorDetails().errorMessage() != null
        ? service.awsErrorDetails().errorMessage()
        : cause.getMessage();
    return text == null ? "no reason given" : text;
  }

  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  public CircuitBreaker sqs() {
    return sqs;
  }

  public CircuitBreaker dynamoDb() {
    return dynamoDb;
  }

  public CircuitBreaker s3() {
    return s3;
  }

  public List<CircuitBreaker> all() {
    return List.of(sqs, dynamoDb, s3);
  }

  /** Whether products can be stored now: neither the table nor the bucket is known to be down. */
  public boolean storeAvailable() {
    return dynamoDb.state() != CircuitBreakerState.OPEN && s3.state() != CircuitBreakerState.OPEN;
  }

  public void close() {
    all().forEach(CircuitBreaker::close);
  }
}
