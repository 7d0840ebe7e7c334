#!/usr/bin/env bash
# One command, one machine: builds, then runs the benchmark program (io.asynccatalog.bench.Bench in this module),
# which starts the local AWS-compatible servers as their own process and the service in AWS mode against them, warms
# up, measures, and writes load-tests/results/bench-DATE[-TAG].json, .md (the tables) and .png (the chart).
#
#   load-tests/bench.sh                 # BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_WARM_ROUNDS=5 BENCH_SUSTAIN_SECONDS=20
#                                       # BENCH_CEILING_WARM_ROUNDS=2 (warm-up rounds of the SDK ceiling loops) by default;
#                                       # BENCH_HEAP=-Xmx256m BENCH_JVM=-XX:+UseSerialGC (the servers' JVM flags)
#   BENCH_SUSTAIN_SECONDS=0 load-tests/bench.sh   # no open-model sustained search (load and drain figures only)
#   BENCH_WARM_ROUNDS=15 BENCH_TAG=soak load-tests/bench.sh   # nearer steady state (less JIT in the window); own result files
#   BENCH_MODES="bulk bulk-batched" BENCH_TAG=bulk load-tests/bench.sh   # only these end-to-end modes (and no half-rate runs
#                                       # unless per-product is among them); BENCH_BULK_SIZE=100 BENCH_BULK_CONNECTIONS=16
#   BENCH_BASELINE_JAR=old/async-catalog-aws.jar [BENCH_BASELINE_SETTINGS="KEY=VALUE ..."] load-tests/bench.sh
#                                       # another build's bulk paths in the same run
#
# The modes are data (Modes.java): a new mode or transport is one entry there. Load goes to 127.0.0.1 only, each run
# is bounded in time, and every process the program starts is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

if ! command -v wrk >/dev/null; then
  log "installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
fi
log "building"
mvn -q -B -DskipTests package
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -q -B -f load-tests/pom.xml compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$CP_FILE"
java -cp "load-tests/target/classes:$(cat "$CP_FILE")" io.asynccatalog.bench.Bench
