package io.asynccatalog.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Closed-loop load with wrk (two threads) against 127.0.0.1, bounded in time; one Lua script per {@link Load}. */
final class Wrk {
  /** What one wrk run measured: requests, requests per second, latency p50 and p99 in ms, non-2xx answers. */
  record Result(long requests, double rps, double p50Ms, double p99Ms, long non2xx) {}

  private final BenchSettings settings;
  private final Path scripts;

  Wrk(BenchSettings settings, Path work) throws IOException {
    this.settings = settings;
    this.scripts = Files.createDirectories(work.resolve("lua"));
    for (Load load : Load.values()) {
      try (InputStream in = Wrk.class.getResourceAsStream("/bench/" + load.script + ".lua")) {
        String script = new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .replace("${BULK_SIZE}", Integer.toString(settings.bulkSize()));
        Files.writeString(scripts.resolve(load.script + ".lua"), script);
      }
    }
  }

  Result run(int port, Load load) throws IOException, InterruptedException {
    int connections = load.bulk ? settings.bulkConnections() : settings.connections();
    Process wrk = new ProcessBuilder(List.of("wrk", "-t2", "-c" + connections, "-d" + settings.seconds() + "s",
        "--latency", "-s", scripts.resolve(load.script + ".lua").toString(), "http://127.0.0.1:" + port + load.path))
        .redirectErrorStream(true).start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (wrk.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    return parse(out);
  }

  static Result parse(String out) {
    long requests = 0;
    double rps = 0;
    double p50 = 0;
    double p99 = 0;
    long non2xx = 0;
    for (String line : out.split("\n")) {
      String[] w = line.trim().split("\\s+");
      if (line.contains("requests in")) {
        requests = Long.parseLong(w[0]);
      } else if (line.startsWith("Requests/sec")) {
        rps = Double.parseDouble(w[1]);
      } else if (w[0].equals("50%")) {
        p50 = ms(w[1]);
      } else if (w[0].equals("99%")) {
        p99 = ms(w[1]);
      } else if (line.contains("Non-2xx")) {
        non2xx = Long.parseLong(w[w.length - 1]);
      }
    }
    return new Result(requests, rps, p50, p99, non2xx);
  }

  /** wrk prints 512.00us, 3.21ms, 1.02s or 1.50m. */
  static double ms(String value) {
    if (value.endsWith("us")) {
      return Double.parseDouble(value.substring(0, value.length() - 2)) / 1000;
    } else if (value.endsWith("ms")) {
      return Double.parseDouble(value.substring(0, value.length() - 2));
    } else if (value.endsWith("s")) {
      return Double.parseDouble(value.substring(0, value.length() - 1)) * 1000;
    } else if (value.endsWith("m")) {
      return Double.parseDouble(value.substring(0, value.length() - 1)) * 60_000;
    }
    return Double.parseDouble(value);
  }
}
