package io.asynccatalog.aws;

import io.asynccatalog.domain.Failure;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
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
 * One circuit breaker per dependency: SQS, the product store (DynamoDB or PostgreSQL) and S3. Only outages count as
 * failures (no connection, timeouts, 5xx, throttling; for PostgreSQL, connection and server-availability errors); a
 * refused request (a 4xx such as a failed condition, a bad row) says nothing about the dependency's health.
 * An open breaker fails calls at once, so clients get a fast 503 instead of waiting for timeouts, and consumers stop
 * receiving work they could not store (see {@code StoreGate}).
 */
public final class Dependencies {
  private static final Logger LOG = LoggerFactory.getLogger(Dependencies.class);

  private final CircuitBreaker sqs;
  private final CircuitBreaker store;
  private final CircuitBreaker s3;

  /** {@code store}: the product store's name, as health checks and metrics show it ("dynamodb", "postgres"). */
  public Dependencies(Vertx vertx, String store, int maxFailures, long resetTimeoutMs) {
    this.sqs = breaker(vertx, "sqs", maxFailures, resetTimeoutMs);
    this.store = breaker(vertx, store, maxFailures, resetTimeoutMs);
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

  /**
   * A dependency that answered but took only part of the work and asked for the rest later: DynamoDB's
   * {@code UnprocessedItems}, its way of throttling a hot partition. It counts as an outage, as the exception form of
   * throttling does, so that the gate stops taking work the store cannot take.
   */
  public static class Throttled extends RuntimeException {
    public Throttled(String message) {
      super(message, null, false, false);
    }
  }

  /** Why a product was not written, and whether that was the dependency's fault (an outage) or the product's own. */
  public static Failure failure(String dependency, Throwable error) {
    String reason = dependency + ": " + describe(error);
    return isOutage(error) ? Failure.ofDependency(reason) : Failure.own(reason);
  }

  /** True for failures that mean the dependency itself is unavailable, as opposed to a refused request. */
  public static boolean isOutage(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof Throttled || cause instanceof io.vertx.circuitbreaker.OpenCircuitException) {
      return true;
    }
    if (cause instanceof AwsServiceException service) {
      return service.statusCode() >= 500 || service.isThrottlingException();
    }
    if (cause instanceof io.vertx.pgclient.PgException pg) {
      // SQLSTATE classes 08 (connection), 53 (resources), 57 (shutdown, cancel), 58 (system): the database's state
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      return state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("58");
    }
    if (cause instanceof io.vertx.core.VertxException || cause instanceof java.io.IOException
        || cause instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
      return true; // a closed or refused connection, a pool that could not give one in time
    }
    return cause instanceof SdkClientException || cause instanceof TimeoutException
        || (cause instanceof SdkException && cause.getCause() instanceof java.io.IOException);
  }

  /**
   * Whether a failed call may still have done its work: a request that was sent and whose answer did not come (a
   * timeout, a connection lost mid-call), on any of the SDK's attempts. False only when no attempt can have reached
   * the service: an open circuit, a connection refused, an answer that refused it.
   */
  public static boolean maybeDelivered(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof io.vertx.circuitbreaker.OpenCircuitException) {
      return false;
    }
    if (reachedMaybe(cause)) {
      return true;
    }
    for (Throwable earlier : cause.getSuppressed()) { // the SDK's earlier attempts
      if (reachedMaybe(earlier)) {
        return true;
      }
    }
    return false;
  }

  private static boolean reachedMaybe(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause()) {
      if (c instanceof java.net.ConnectException || c instanceof java.net.UnknownHostException
          || c instanceof AwsServiceException) {
        return false; // never connected, or answered
      }
      if (c instanceof software.amazon.awssdk.core.exception.ApiCallTimeoutException
          || c instanceof software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException
          || c instanceof TimeoutException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return error instanceof SdkClientException || error instanceof java.io.IOException
        || error instanceof io.vertx.core.VertxException;
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

  /** The product store's breaker (DynamoDB or PostgreSQL), shared by the idempotency keys kept in the same store. */
  public CircuitBreaker store() {
    return store;
  }

  public CircuitBreaker s3() {
    return s3;
  }

  public List<CircuitBreaker> all() {
    return List.of(sqs, store, s3);
  }

  public void close() {
    all().forEach(CircuitBreaker::close);
  }
}
