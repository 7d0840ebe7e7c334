package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;

import java.util.function.UnaryOperator;

/** {@link IdempotencyTest} with the keys (and products) in PostgreSQL. */
class PostgresIdempotencyTest extends IdempotencyTest {
  @Override
  UnaryOperator<JsonObject> store() {
    return RunningApp.onPostgres("pgidempotency");
  }
}
