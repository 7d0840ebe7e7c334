package io.asynccatalog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gatling's open model (a fixed arrival rate, unlike wrk) with the project's IngestSimulation, for 20 s after a 5 s
 * ramp, run by Maven as the load-tests module's own tool.
 */
final class Gatling {
  private static final Pattern REPORT = Pattern.compile("file:///\\S*index\\.html");

  /** Requests (including the ramp's), POST p50 and p99 in ms (null if Gatling printed none), its report's link. */
  record Result(long requests, Long p50Ms, Long p99Ms, String report) {}

  private Gatling() {}

  static Result run(Path work, int port, long rate, String tag) throws IOException, InterruptedException {
    Path out = work.resolve("gatling-" + tag + ".txt");
    Process mvn = new ProcessBuilder(List.of("mvn", "-q", "-B", "-f", "load-tests/pom.xml", "gatling:test",
        "-Dgatling.simulationClass=io.asynccatalog.load.IngestSimulation", "-DbaseUrl=http://127.0.0.1:" + port,
        "-Drate=" + rate, "-Dduration=20", "-Dramp=5", "-Dp99=20", "-Dgatling.failOnError=false"))
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    mvn.waitFor();
    List<String> lines = Files.readAllLines(out);
    Long requests = figure(lines, "request count");
    String report = null;
    for (String line : lines) {
      Matcher m = REPORT.matcher(line);
      while (m.find()) {
        report = m.group();
      }
    }
    return new Result(requests == null ? 0 : requests, figure(lines, "50th percentile (ms)"),
        figure(lines, "99th percentile (ms)"), report);
  }

  /** The first number of a row of Gatling's summary: "> request count | 17,125 | 17,125 | -". */
  static Long figure(List<String> lines, String row) {
    for (String line : lines) {
      if (line.contains(row)) {
        for (String word : line.replace(",", "").split("\\s+")) {
          if (word.matches("[0-9]+")) {
            return Long.parseLong(word);
          }
        }
      }
    }
    return null;
  }
}
