package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;
import io.vertx.core.json.JsonObject;

import java.util.function.UnaryOperator;

/** {@link RedeliveryTest} with products in PostgreSQL: a redelivered product leaves one row and one report. */
class PostgresRedeliveryTest extends RedeliveryTest {
  @Override
  UnaryOperator<JsonObject> store() {
    return RunningApp.onPostgres("pgredelivery");
  }
}
