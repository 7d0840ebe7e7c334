package io.asynccatalog.http;

import io.asynccatalog.aws.Dependencies;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.util.Set;

/**
 * Liveness and readiness. Ready means "send me products": the service is started and not stopping, and SQS is
 * reachable. The table and the bucket are reported too (their circuit state), but their outage does not make the
 * service unready: products are still accepted and wait in the queue until they are back.
 */
final class HealthRoutes {
  /** The checks that decide readiness; the others are reported only. */
  private static final Set<String> DECISIVE = Set.of("lifecycle", "sqs");

  private HealthRoutes() {}

  static void install(Vertx vertx, Router router, Readiness readiness, Dependencies dependencies) {
    router.get("/health/live").handler(HealthCheckHandler.create(vertx)
        .register("process", promise -> promise.complete(Status.OK())));

    HealthChecks checks = HealthChecks.create(vertx)
        .register("lifecycle", promise -> promise.complete(readiness.isReady()
            ? Status.OK()
            : Status.KO(new JsonObject().put("reason", readiness.reason()))));
    for (CircuitBreaker breaker : dependencies.all()) {
      checks.register(breaker.name(), promise -> promise.complete(status(breaker)));
    }
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(checks)
        .resultMapper(HealthRoutes::decide));
  }

  private static Status status(CircuitBreaker breaker) {
    JsonObject data = new JsonObject().put("circuit", breaker.state().name()).put("recentFailures",
        breaker.failureCount());
    return breaker.state() == CircuitBreakerState.OPEN ? Status.KO(data) : Status.OK(data);
  }

  private static Future<CheckResult> decide(CheckResult result) {
    boolean ready = result.getChecks().stream()
        .filter(check -> DECISIVE.contains(check.getId()))
        .allMatch(CheckResult::isUp);
    return Future.succeededFuture(result.setStatus(ready ? Status.OK() : Status.KO()));
  }
}
