package io.asynccatalog.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * End to end: POST a product, then poll GET until it is stored. The "accept-to-stored" group's time is the delay
 * between the 202 and the product being readable.
 */
public class EndToEndSimulation extends Simulation {
  ScenarioBuilder endToEnd = scenario("end-to-end")
      .feed(Feeders.products())
      .exec(http("POST /products").post("/products").body(StringBody(LoadSettings.productBody()))
          .check(status().is(202), jsonPath("$.id").saveAs("id")))
      .exec(session -> session.set("stored", false))
      .group("accept-to-stored").on(
          asLongAs(session -> !session.getBoolean("stored")).on(
              exec(http("GET /products/{id} (poll)").get("/products/#{id}")
                  .check(status().in(200, 404).saveAs("status")))
                  .exec(session -> session.set("stored", session.getInt("status") == 200))
                  .doIf(session -> !session.getBoolean("stored")).then(pause(Duration.ofMillis(50)))));

  {
    setUp(endToEnd.injectOpen(
            rampUsersPerSec(1).to(LoadSettings.RATE).during(LoadSettings.RAMP),
            constantUsersPerSec(LoadSettings.RATE).during(LoadSettings.DURATION)))
        .protocols(LoadSettings.protocol())
        .assertions(
            global().failedRequests().percent().lt(1.0),
            details("accept-to-stored").responseTime().percentile(99.0).lt(LoadSettings.P99_MS * 10));
  }
}
