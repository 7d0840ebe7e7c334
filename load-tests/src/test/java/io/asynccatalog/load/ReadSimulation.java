package io.asynccatalog.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/** Reads: GET /products/{id} of products created before the run. */
public class ReadSimulation extends Simulation {
  private static final List<String> IDS = KnownProducts.create(Integer.getInteger("known", 200));

  ScenarioBuilder read = scenario("read")
      .feed(KnownProducts.cycle(IDS))
      .exec(http("GET /products/{id}").get("/products/#{id}").check(status().is(200)));

  {
    setUp(read.injectOpen(
            rampUsersPerSec(1).to(LoadSettings.RATE).during(LoadSettings.RAMP),
            constantUsersPerSec(LoadSettings.RATE).during(LoadSettings.DURATION)))
        .protocols(LoadSettings.protocol())
        .assertions(
            global().failedRequests().percent().lt(1.0),
            global().responseTime().percentile(99.0).lt(LoadSettings.P99_MS));
  }
}
