package io.asynccatalog.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/** A catalog's day: 70 % writes, 25 % reads of known products, 5 % pages of the list, all at once. */
public class MixedSimulation extends Simulation {
  private static final List<String> IDS = KnownProducts.create(Integer.getInteger("known", 200));

  ScenarioBuilder writes = scenario("mixed: write").feed(Feeders.products())
      .exec(http("POST /products").post("/products").body(StringBody(LoadSettings.productBody()))
          .check(status().is(202)));
  ScenarioBuilder reads = scenario("mixed: read").feed(KnownProducts.cycle(IDS))
      .exec(http("GET /products/{id}").get("/products/#{id}").check(status().is(200)));
  ScenarioBuilder pages = scenario("mixed: list")
      .exec(http("GET /products").get("/products?limit=20").check(status().is(200)));

  {
    setUp(
        writes.injectOpen(rampUsersPerSec(1).to(LoadSettings.RATE * 0.70).during(LoadSettings.RAMP),
            constantUsersPerSec(LoadSettings.RATE * 0.70).during(LoadSettings.DURATION)),
        reads.injectOpen(rampUsersPerSec(1).to(LoadSettings.RATE * 0.25).during(LoadSettings.RAMP),
            constantUsersPerSec(LoadSettings.RATE * 0.25).during(LoadSettings.DURATION)),
        pages.injectOpen(rampUsersPerSec(1).to(Math.max(1, LoadSettings.RATE * 0.05)).during(LoadSettings.RAMP),
            constantUsersPerSec(Math.max(1, LoadSettings.RATE * 0.05)).during(LoadSettings.DURATION)))
        .protocols(LoadSettings.protocol())
        .assertions(
            global().failedRequests().percent().lt(1.0),
            global().responseTime().percentile(99.0).lt(LoadSettings.P99_MS));
  }
}
