package io.asynccatalog.bench;

import java.util.List;

/**
 * One end-to-end mode: a service started with these settings ({@code KEY=VALUE} environment variables, later ones
 * win, and JVM options such as {@code -Xmx208m}), loaded by wrk with its load, then drained.
 *
 * @param ceiling the EmulatorCeiling figures for the same calls ({@code pipeline_<ceiling>_per_s} and
 *                {@code drain_<ceiling>_per_s}), or null where no loop makes them
 * @param postgres whether it stores in a database of its own in the local PostgreSQL
 * @param baseline whether it runs the baseline jar (BENCH_BASELINE_JAR) instead of this build's
 */
record Mode(String name, String label, Load load, List<String> settings, String ceiling, boolean postgres,
            boolean baseline) {

  Mode(String name, String label, Load load, List<String> settings, String ceiling) {
    this(name, label, load, settings, ceiling, false, false);
  }

  /** The same mode on PostgreSQL: "postgres-" before its name, "PostgreSQL: " before its label, no ceiling. */
  Mode onPostgres() {
    return new Mode("postgres-" + name, "PostgreSQL: " + label, load, settings, null, true, baseline);
  }

  /** The settings it runs with, where the baseline jar's own come after the mode's. */
  Mode withSettings(List<String> more) {
    List<String> all = new java.util.ArrayList<>(settings);
    all.addAll(more);
    return new Mode(name, label, load, List.copyOf(all), ceiling, postgres, baseline);
  }
}
