package io.asynccatalog.bench;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one benchmark run measures and how long, from the {@code BENCH_*} environment variables (defaults in brackets):
 * {@code BENCH_SECONDS} [10] per measured run, {@code BENCH_CONNECTIONS} [64] of wrk's single POSTs,
 * {@code BENCH_BULK_CONNECTIONS} [16] and {@code BENCH_BULK_SIZE} [100] of its bulk requests,
 * {@code BENCH_WARM_ROUNDS} [5] before each measured run, {@code BENCH_CEILING_WARM_ROUNDS} [2] of the ceiling loops,
 * {@code BENCH_SUSTAIN_SECONDS} [20] per open-model step (0: no sustained search), {@code BENCH_ROUNDS} [1] of the
 * end-to-end modes (the second in reverse order, and so on, so that no mode is always measured late in the run), {@code BENCH_HEAP} [-Xmx256m] and
 * {@code BENCH_JVM} [-XX:+UseSerialGC] of the servers' JVMs, {@code BENCH_MODES} (the end-to-end modes to run, all if
 * empty), {@code BENCH_TAG} (a suffix of the result files), {@code BENCH_BASELINE_JAR} and
 * {@code BENCH_BASELINE_SETTINGS} (another build's AWS jar, measured on the bulk paths with these settings).
 */
record BenchSettings(int seconds, int connections, int bulkConnections, int bulkSize, int warmRounds,
                     int ceilingWarmRounds, int sustainSeconds, int rounds, String heap, String jvm, Set<String> modes, String tag,
                     String baselineJar, List<String> baselineSettings) {

  static BenchSettings fromEnvironment(Map<String, String> env) {
    return new BenchSettings(number(env, "BENCH_SECONDS", 10), number(env, "BENCH_CONNECTIONS", 64),
        number(env, "BENCH_BULK_CONNECTIONS", 16), number(env, "BENCH_BULK_SIZE", 100),
        number(env, "BENCH_WARM_ROUNDS", 5), number(env, "BENCH_CEILING_WARM_ROUNDS", 2),
        number(env, "BENCH_SUSTAIN_SECONDS", 20), Math.max(1, number(env, "BENCH_ROUNDS", 1)), env.getOrDefault("BENCH_HEAP", "-Xmx256m"),
        env.getOrDefault("BENCH_JVM", "-XX:+UseSerialGC"), new LinkedHashSet<>(words(env.get("BENCH_MODES"))),
        env.getOrDefault("BENCH_TAG", ""), blankToNull(env.get("BENCH_BASELINE_JAR")),
        words(env.get("BENCH_BASELINE_SETTINGS")));
  }

  /** Whether an end-to-end mode is measured in this run. */
  boolean runs(String mode) {
    return modes.isEmpty() || modes.contains(mode);
  }

  static List<String> words(String value) {
    return value == null || value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
  }

  private static int number(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not " + value);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
