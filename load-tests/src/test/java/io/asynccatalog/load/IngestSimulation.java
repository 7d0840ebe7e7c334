package io.asynccatalog.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/** Open-model ingest: POST /products at a ramped, then constant rate; every answer must be a 202. */
public class IngestSimulation extends Simulation {
  ScenarioBuilder ingest = scenario("ingest")
      .feed(Feeders.products())
      .exec(http("POST /products").post("/products").body(StringBody(LoadSettings.productBody()))
          .check(status().is(202)));

  {
    setUp(ingest.injectOpen(
            rampUsersPerSec(1).to(LoadSettings.RATE).during(LoadSettings.RAMP),
            constantUsersPerSec(LoadSettings.RATE).during(LoadSettings.DURATION)))
        .protocols(LoadSettings.protocol())
        .assertions(
            global().failedRequests().percent().lt(1.0),
            global().responseTime().percentile(99.0).lt(LoadSettings.P99_MS));
  }
}
