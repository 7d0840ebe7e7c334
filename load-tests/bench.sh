#!/usr/bin/env bash
# One command, one machine: builds, starts the local AWS-compatible servers as their own process and the service in
# AWS mode against them, warms up, measures, and prints a table (also written to load-tests/results/).
#
#   load-tests/bench.sh                 # BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_WARM_ROUNDS=5 BENCH_SUSTAIN_SECONDS=20
#                                       # BENCH_CEILING_WARM_ROUNDS=2 (warm-up rounds of the SDK ceiling loops) by default;
#                                       # BENCH_HEAP=-Xmx256m BENCH_JVM=-XX:+UseSerialGC (the servers' JVM flags)
#   BENCH_SUSTAIN_SECONDS=0 load-tests/bench.sh   # no open-model sustained search (load and drain figures only)
#   BENCH_WARM_ROUNDS=15 BENCH_TAG=soak load-tests/bench.sh   # nearer steady state (less JIT in the window); own result files
#   BENCH_MODES="bulk bulk-batched" BENCH_TAG=bulk load-tests/bench.sh   # only these end-to-end modes (and no half-rate runs
#                                       # unless per-product is among them); BENCH_BULK_SIZE=100 BENCH_BULK_CONNECTIONS=16
#
# Load goes to 127.0.0.1 only, each run is bounded in time, and every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
BULK_CONNECTIONS=${BENCH_BULK_CONNECTIONS:-16} # bulk requests carry BULK_SIZE products each
BULK_SIZE=${BENCH_BULK_SIZE:-100}
# the settings of the modes measured before bulk requests and packing existed: one product per message, groups of 25
PREVIOUS="CATALOG_PACKING=false CATALOG_SAVE_BATCH=25 CATALOG_CONSUMER_MAX_IN_FLIGHT=200 CATALOG_DELETE_LINGER_MS=0"
WARM_ROUNDS=${BENCH_WARM_ROUNDS:-5}
CEILING_WARM_ROUNDS=${BENCH_CEILING_WARM_ROUNDS:-2}
HEAP=${BENCH_HEAP:--Xmx256m}
JVM=${BENCH_JVM:--XX:+UseSerialGC} # as the container image runs it (see the Dockerfile)
SQS_PORT=19324; DDB_PORT=18000; S3_PORT=19000; PG_PORT=15432; SERVICE_PORT=18080; RAW_PORT=18081
OUT=load-tests/results
TAG=${BENCH_TAG:+-$BENCH_TAG}
WORK=$(mktemp -d)
TICKS=$(getconf CLK_TCK)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# --- tools -------------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
fi
log "building"
mvn -q -B -DskipTests package
mvn -q -B -f load-tests/pom.xml compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt"
TOOLS_CP="load-tests/target/classes:$(cat "$WORK/cp.txt")"

cat > "$WORK/post.lua" <<'LUA'
local counter = 0
local thread_tag = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local body = '{"name":"Bench ' .. thread_tag .. '-' .. counter .. '","description":"Blue ink",'
    .. '"price":"1.99","category":"bench"}'
  return wrk.format("POST", "/products", {["Content-Type"] = "application/json"}, body)
end
LUA

cat > "$WORK/post-bulk.lua" <<LUA
local counter = 0
local thread_tag = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, $BULK_SIZE do
    parts[i] = '{"name":"Bench ' .. thread_tag .. '-' .. counter .. '-' .. i .. '","description":"Blue ink",'
      .. '"price":"1.99","category":"bench"}'
  end
  return wrk.format("POST", "/products/batch", {["Content-Type"] = "application/json"},
    '{"products":[' .. table.concat(parts, ",") .. ']}')
end
LUA

# bulk upserts by key: BULK_SIZE replaces per request, a fifth of them to a hot set of 100 skus, the others to
# 200,000 skus (new at first, then more and more of them existing)
cat > "$WORK/upsert.lua" <<LUA
local counter = 0
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, $BULK_SIZE do
    local sku
    if math.random(1, 5) == 1 then sku = "H-" .. math.random(0, 99) else sku = "U-" .. math.random(1, 200000) end
    parts[i] = '{"op":"replace","sku":"' .. sku .. '","product":{"name":"Upsert ' .. counter .. '-' .. i
      .. '","description":"Blue ink","price":"' .. math.random(1, 99) .. '.99","category":"bench"}}'
  end
  return wrk.format("POST", "/products/batch", {["Content-Type"] = "application/json"},
    '{"writes":[' .. table.concat(parts, ",") .. ']}')
end
LUA
# single-product merge patches of the price, to the skus the upsert runs wrote (most of them exist by then)
cat > "$WORK/patch.lua" <<'LUA'
request = function()
  return wrk.format("PATCH", "/products/sku/U-" .. math.random(1, 200000),
    {["Content-Type"] = "application/merge-patch+json"}, '{"price":"' .. math.random(1, 99) .. '.50"}')
end
LUA

# --- helpers -----------------------------------------------------------------------------------------------------
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# the local servers' CPU: the emulators JVM, and PostgreSQL's postmaster with its live backends and those that ended
servers_ticks() {
  local sum pm; sum=$(cpu_ticks "$EMULATORS_PID")
  pm=$(head -1 "$WORK/emulators/postgres/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pm" ] && [ -r "/proc/$pm/stat" ]; then
    sum=$((sum + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")))
    for pid in $(pgrep -P "$pm"); do
      sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
  fi
  echo "$sum"
}
jit_ticks() { # CPU of the JIT compiler threads
  local sum=0
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in C1\ CompilerThre*|C2\ CompilerThre*) sum=$((sum + $(awk '{print $14 + $15}' "$task/stat"))) ;; esac
  done
  echo $sum
}
rss_peak_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
wait_port() {
  for _ in $(seq 1 600); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  log "nothing listens on $1"; return 1
}
# a meter's value, summed over its series when it has labels (catalog_products_accepted_total{client=...})
metric() {
  curl -s "http://127.0.0.1:$SERVICE_PORT/metrics" | awk -v name="$1" '$1 == name || index($1, name "{") == 1 {
    n += $2; seen = 1} END {if (seen) printf "%.3f\n", n}'
}
# writes done: stored, or superseded by a later write of the same product (settled without a store write)
settled() {
  curl -s "http://127.0.0.1:$SERVICE_PORT/metrics" | awk '$1 == "catalog_products_stored_total" ||
    $1 == "catalog_writes_superseded_total" {n += $2} END {printf "%.3f\n", n}'
}
# a histogram's cumulative buckets ("le count" per line), to diff two snapshots
buckets() {
  curl -s "http://127.0.0.1:$SERVICE_PORT/metrics" | awk -v name="$1_bucket{" 'index($0, name) == 1 {
    match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5); print le, $2}'
}
# quantile q (seconds, the bucket's upper bound) of what was recorded between two snapshots
quantile() {
  awk -v q="$3" 'NR == FNR {before[$1] = $2; next} {n[FNR] = $1; c[FNR] = $2 - before[$1]; last = FNR}
    END {total = c[last]; for (i = 1; i <= last; i++) if (total > 0 && c[i] >= q * total) {print n[i]; exit}; print 0}' "$1" "$2"
}

# wrk against a port: prints "requests rps p50_ms p99_ms non2xx"; a third argument "bulk" posts bulk requests
run_wrk() {
  local port=$1 seconds=$2 result
  if [ "${3:-single}" = bulk ]; then
    result=$(wrk -t2 -c"$BULK_CONNECTIONS" -d"${seconds}s" --latency -s "$WORK/post-bulk.lua" \
      "http://127.0.0.1:$port/products/batch")
  elif [ "${3:-single}" = upsert ]; then
    result=$(wrk -t2 -c"$BULK_CONNECTIONS" -d"${seconds}s" --latency -s "$WORK/upsert.lua" \
      "http://127.0.0.1:$port/products/batch")
  elif [ "${3:-single}" = patch ]; then
    result=$(wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$WORK/patch.lua" "http://127.0.0.1:$port/products")
  else
    result=$(wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$port/products")
  fi
  echo "$result" > "$WORK/last-wrk.txt"
  local requests rps p50 p99 non2xx
  requests=$(echo "$result" | awk '/requests in/ {print $1}')
  rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$result" | awk '/Non-2xx/ {print $NF}')
  echo "$requests $rps $(to_ms "$p50") $(to_ms "$p99") ${non2xx:-0}"
}
to_ms() { # wrk prints 512.00us, 3.21ms or 1.02s
  local v=$1
  case "$v" in
    *us) awk -v x="${v%us}" 'BEGIN {printf "%.2f", x / 1000}' ;;
    *ms) awk -v x="${v%ms}" 'BEGIN {printf "%.2f", x}' ;;
    *s) awk -v x="${v%s}" 'BEGIN {printf "%.2f", x * 1000}' ;;
    *) echo "$v" ;;
  esac
}

# Gatling's open model (a fixed arrival rate, unlike wrk) against a port for 20 s after a 5 s ramp; prints
# "requests p99_ms" (the requests include the ramp's)
run_gatling() { # port, rate, tag
  local out="$WORK/gatling-$3.txt"
  mvn -q -B -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=io.asynccatalog.load.IngestSimulation \
    -DbaseUrl="http://127.0.0.1:$1" -Drate="$2" -Dduration=20 -Dramp=5 -Dp99=20 \
    -Dgatling.failOnError=false > "$out" 2>&1 || true
  local n p50 p99
  n=$(gatling_figure "$out" "request count")
  p50=$(gatling_figure "$out" "50th percentile (ms)"); p99=$(gatling_figure "$out" "99th percentile (ms)")
  echo "${n:-0} ${p99:-?} ${p50:-?}"
}
# the first number of a row of Gatling's summary table: "> request count | 17,125 | 17,125 | -" (thousands separated
# by commas): file, row
gatling_figure() {
  awk -v row="$2" 'index($0, row) {gsub(/,/, ""); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) {print $i; exit}}' "$1"
}
# service CPU µs per request over a Gatling run against a process: pid, port, rate, tag
gatling_cpu() {
  local c0 c1 n
  c0=$(cpu_ticks "$1")
  read -r n _ <<< "$(run_gatling "$2" "$3" "$4")"
  c1=$(cpu_ticks "$1")
  awk -v t=$((c1 - c0)) -v n="$n" -v hz="$TICKS" 'BEGIN {if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "-"}'
}

start_service() { # name, then extra KEY=VALUE settings
  local name=$1; shift
  env CATALOG_MODE=aws CATALOG_PROVISION=true CATALOG_AUTH=off AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
    AWS_ENDPOINT_URL_SQS=http://127.0.0.1:$SQS_PORT AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$DDB_PORT \
    AWS_ENDPOINT_URL_S3=http://127.0.0.1:$S3_PORT CATALOG_HTTP_HOST=127.0.0.1 CATALOG_HTTP_PORT=$SERVICE_PORT \
    CATALOG_QUEUE_NAME="q-$name" CATALOG_DLQ_NAME="q-$name-dlq" CATALOG_TABLE_NAME="t-$name" \
    CATALOG_IDEMPOTENCY_TABLE_NAME="t-$name-keys" CATALOG_BUCKET_NAME="r-$name" CATALOG_LOG_LEVEL=WARN \
    "$@" java $HEAP $JVM -jar "${SERVICE_JAR:-target/async-catalog-aws.jar}" > "$WORK/service-$name.log" 2>&1 &
  SERVICE_PID=$!
  PIDS+=("$SERVICE_PID")
  wait_port "$SERVICE_PORT"
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SERVICE_PORT/health/ready")" = 200 ] && return 0
    sleep 0.1
  done
  log "service $name not ready"; cat "$WORK/service-$name.log" >&2; return 1
}
stop_service() {
  kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
  while (echo > "/dev/tcp/127.0.0.1/$SERVICE_PORT") 2>/dev/null; do sleep 0.1; done
}
# An ingest-only run leaves its products queued (some 150,000), and the local SQS server holding them took the same
# calls 20-37 % slower in a trial: its queues go before anything else is measured against that server
drop_queues() { # name of the run
  java -cp "$TOOLS_CP" io.asynccatalog.bench.DeleteQueues "http://127.0.0.1:$SQS_PORT" "q-$1" "q-$1-dlq" 2>/dev/null \
    | grep -q "deleted queue q-$1$" || log "could not delete queue q-$1"
}
# accepted and stored counts from one scrape
counts() {
  curl -s "http://127.0.0.1:$SERVICE_PORT/metrics" | awk 'index($1, "catalog_products_accepted_total{") == 1 \
    || $1 == "catalog_products_accepted_total" {a += $2}
    $1 == "catalog_products_stored_total" || $1 == "catalog_writes_superseded_total" {s += $2}
    END {printf "%d %d\n", a, s}'
}
# waits until every accepted product is stored (deadline 300 s); prints the seconds it took. One scrape per half
# second: two scrapes every 0.1 s took 4 % of the service's CPU in a profile of an end-to-end run
drain() {
  local start; start=$(date +%s.%N)
  for _ in $(seq 1 600); do
    local accepted stored
    read -r accepted stored <<< "$(counts)"
    if [ "$accepted" -gt 0 ] && [ "$stored" -ge "$accepted" ]; then
      awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}'; return 0
    fi
    sleep 0.5
  done
  log "the queue did not drain in 300 s"; return 1
}

# --- the local AWS-compatible servers, in their own process ---------------------------------------------------------
log "starting the local AWS-compatible servers"
# with the local PostgreSQL of the postgres modes: a server process of its own, whose CPU counts with theirs
CATALOG_DATA_DIR="$WORK/emulators" CATALOG_LOCAL_SQS_PORT=$SQS_PORT CATALOG_LOCAL_DYNAMODB_PORT=$DDB_PORT \
  CATALOG_LOCAL_S3_PORT=$S3_PORT CATALOG_LOCAL_POSTGRES_PORT=$PG_PORT java -Xmx1g -jar target/async-catalog.jar \
  emulators sqs dynamodb s3 postgres > "$WORK/emulators.log" 2>&1 &
EMULATORS_PID=$!; PIDS+=("$EMULATORS_PID")
wait_port $SQS_PORT; wait_port $DDB_PORT; wait_port $S3_PORT; wait_port $PG_PORT

# --- 1. the surroundings' ceilings --------------------------------------------------------------------------------
log "emulator ceilings (direct SDK loops, 16 in flight, after $CEILING_WARM_ROUNDS warm-up rounds of every loop)"
java -cp "$TOOLS_CP" io.asynccatalog.bench.EmulatorCeiling "http://127.0.0.1:$SQS_PORT" "http://127.0.0.1:$DDB_PORT" \
  "http://127.0.0.1:$S3_PORT" "$SECONDS_PER_RUN" "$CEILING_WARM_ROUNDS" 2> "$WORK/ceiling.err" > "$WORK/ceiling.txt"
grep -E '^[a-z0-9_]+=[0-9.]+$' "$WORK/ceiling.txt" > "$WORK/ceiling.vars"
# shellcheck disable=SC1090
source "$WORK/ceiling.vars"

log "raw Vert.x server (HTTP ceiling)"
java $HEAP $JVM -cp "$TOOLS_CP" io.asynccatalog.bench.RawServer $RAW_PORT > "$WORK/raw.log" 2>&1 &
RAW_PID=$!; PIDS+=("$RAW_PID"); wait_port $RAW_PORT
for _ in $(seq 1 "$WARM_ROUNDS"); do run_wrk $RAW_PORT "$SECONDS_PER_RUN" > /dev/null; done
c0=$(cpu_ticks $RAW_PID); read -r raw_n raw_rps raw_p50 raw_p99 _ <<< "$(run_wrk $RAW_PORT "$SECONDS_PER_RUN")"; c1=$(cpu_ticks $RAW_PID)
raw_cpu=$(awk -v t=$((c1 - c0)) -v n="$raw_n" -v hz="$TICKS" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
# the raw server stays up: it is measured again below at the service's own request rate

# --- 2. ingest only (no consumers): POST -> 202 ----------------------------------------------------------------------
log "ingest only"
# shellcheck disable=SC2086
start_service ingest CATALOG_CONSUMER_INSTANCES=0 $PREVIOUS
for _ in $(seq 1 "$WARM_ROUNDS"); do run_wrk $SERVICE_PORT "$SECONDS_PER_RUN" > /dev/null; done
c0=$(cpu_ticks "$SERVICE_PID"); j0=$(jit_ticks "$SERVICE_PID")
read -r ing_n ing_rps ing_p50 ing_p99 ing_bad <<< "$(run_wrk $SERVICE_PORT "$SECONDS_PER_RUN")"
c1=$(cpu_ticks "$SERVICE_PID"); j1=$(jit_ticks "$SERVICE_PID")
ing_jit=$(awk -v j=$((j1 - j0)) -v c=$((c1 - c0)) 'BEGIN {if (c > 0) printf "%.0f", 100 * j / c; else print 0}')
ing_cpu=$(awk -v t=$((c1 - c0)) -v n="$ing_n" -v hz="$TICKS" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
ing_rss=$(rss_peak_mb "$SERVICE_PID")
# wrk drives the raw server 50 times faster than SQS lets the service go, and per-request CPU falls as a server gets
# busier (more work per wake-up and system call); so both are also measured at one and the same rate
HALF=$(awk -v r="$ing_rps" 'BEGIN {printf "%d", r / 2}')
log "ingest and raw server at the same rate: $HALF POST/s (Gatling)"
ing_cpu_same=$(gatling_cpu "$SERVICE_PID" $SERVICE_PORT "$HALF" ingest-same-rate)
stop_service
drop_queues ingest
raw_cpu_same=$(gatling_cpu $RAW_PID $RAW_PORT "$HALF" raw-same-rate)
kill $RAW_PID; wait $RAW_PID 2>/dev/null || true

log "ingest only, the SDK's calls on Vert.x's HTTP client"
# shellcheck disable=SC2086
start_service ingest-vertx CATALOG_CONSUMER_INSTANCES=0 CATALOG_AWS_HTTP_CLIENT=vertx $PREVIOUS
for _ in $(seq 1 "$WARM_ROUNDS"); do run_wrk $SERVICE_PORT "$SECONDS_PER_RUN" > /dev/null; done
c0=$(cpu_ticks "$SERVICE_PID")
read -r ingv_n ingv_rps _ ingv_p99 _ <<< "$(run_wrk $SERVICE_PORT "$SECONDS_PER_RUN")"
c1=$(cpu_ticks "$SERVICE_PID")
ingv_cpu=$(awk -v t=$((c1 - c0)) -v n="$ingv_n" -v hz="$TICKS" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
stop_service
drop_queues ingest-vertx

# --- 3. end to end, per mode ------------------------------------------------------------------------------------------
declare -A E2E_RATE E2E_CPU E2E_P50 E2E_P99 E2E_RSS E2E_INGEST E2E_PUTS E2E_FILL E2E_CORES E2E_LOAD E2E_DRAIN E2E_DRAIN_CPU E2E_JIT
# products per call over the measured window: SQS send, SQS receive, and store group (BatchWriteItem calls of 25, one
# batched report)
fill() { echo "$(metric catalog_enqueue_batch_size_sum) $(metric catalog_enqueue_batch_size_count)" \
  "$(metric catalog_products_received_total) $(metric catalog_receive_batch_size_count)" \
  "$(metric catalog_store_batch_size_sum) $(metric catalog_store_batch_size_count)"; }
# "send / receive / store" products per call since an earlier fill snapshot
fill_since() { echo "$1 $(fill)" | awk '{printf "%.1f / %.1f / %.1f", ($7 - $1) / ($8 - $2), ($9 - $3) / ($10 - $4),
  ($11 - $5) / ($12 - $6)}'; }
# SQS requests made so far (send + receive + delete): what SQS bills, and calls the service pays per-call CPU for
sqs_requests() {
  curl -s "http://127.0.0.1:$SERVICE_PORT/metrics" | awk '/^catalog_sqs_requests_total\{call="(send|receive|delete)"\}/ {
    n += $2} END {printf "%d", n}'
}
declare -A KIND E2E_SQS E2E_PACK E2E_POSTS
run_e2e() { # mode, load (single|bulk), then settings
  local mode=$1 kind=$2; shift 2
  KIND[$mode]=$kind
  if [ -n "${BENCH_MODES:-}" ] && [[ " $BENCH_MODES " != *" $mode "* ]]; then return 0; fi
  log "end to end: $mode ($kind POSTs)"
  start_service "$mode" "$@"
  for _ in $(seq 1 "$WARM_ROUNDS"); do run_wrk $SERVICE_PORT "$SECONDS_PER_RUN" "$kind" > /dev/null; drain > /dev/null; done
  local s0 r0 c0 e0 t0 n rps p50 p99 bad waited s1 r1 c1 e1 t1 a0 am q0 q1 k0 k1
  s0=$(settled); r0=$(metric catalog_reports_objects_total); local f0; f0=$(fill)
  a0=$(metric catalog_products_accepted_total); q0=$(sqs_requests)
  k0="$(metric catalog_enqueue_pack_size_sum) $(metric catalog_enqueue_pack_size_count)"
  buckets catalog_products_accept_to_stored_seconds > "$WORK/lag0.txt"
  c0=$(cpu_ticks "$SERVICE_PID"); e0=$(servers_ticks); t0=$(date +%s.%N); local j0; j0=$(jit_ticks "$SERVICE_PID")
  read -r n rps p50 p99 bad <<< "$(run_wrk $SERVICE_PORT "$SECONDS_PER_RUN" "$kind")"
  # the POSTs stop here: from now on the consumers alone drain the backlog, as the drain ceiling loops do
  local sm cm tm; sm=$(settled); cm=$(cpu_ticks "$SERVICE_PID"); tm=$(date +%s.%N)
  am=$(metric catalog_products_accepted_total)
  waited=$(drain)
  t1=$(date +%s.%N); c1=$(cpu_ticks "$SERVICE_PID"); e1=$(servers_ticks); local j1; j1=$(jit_ticks "$SERVICE_PID")
  s1=$(settled); r1=$(metric catalog_reports_objects_total)
  # the JIT compilers' share of the window's CPU, after the warm-up rounds: what a service running for hours no
  # longer pays
  E2E_JIT[$mode]=$(awk -v j=$((j1 - j0)) -v c=$((c1 - c0)) 'BEGIN {if (c > 0) printf "%.0f", 100 * j / c; else print 0}')
  local stored; stored=$(awk -v a="$s0" -v b="$s1" 'BEGIN {printf "%d", b - a}')
  E2E_RATE[$mode]=$(awk -v n="$stored" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
  E2E_CPU[$mode]=$(awk -v t=$((c1 - c0)) -v n="$stored" -v hz="$TICKS" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
  E2E_LOAD[$mode]=$(awk -v a="$s0" -v b="$sm" -v x="$t0" -v y="$tm" 'BEGIN {printf "%.0f", (b - a) / (y - x)}')
  E2E_DRAIN[$mode]=$(awk -v a="$sm" -v b="$s1" -v x="$tm" -v y="$t1" 'BEGIN {printf "%.0f", (b - a) / (y - x)}')
  # packed modes may keep up during the load: then nothing is left to drain
  E2E_DRAIN_CPU[$mode]=$(awk -v t=$((c1 - cm)) -v a="$sm" -v b="$s1" -v hz="$TICKS" \
    'BEGIN {if (b > a) printf "%.1f", t * 1e6 / hz / (b - a); else print "- (no backlog)"}')
  buckets catalog_products_accept_to_stored_seconds > "$WORK/lag1.txt"
  E2E_P50[$mode]=$(quantile "$WORK/lag0.txt" "$WORK/lag1.txt" 0.5)
  E2E_P99[$mode]=$(quantile "$WORK/lag0.txt" "$WORK/lag1.txt" 0.99)
  E2E_RSS[$mode]=$(rss_peak_mb "$SERVICE_PID")
  E2E_INGEST[$mode]=$(awk -v a="$a0" -v b="$am" -v x="$t0" -v y="$tm" 'BEGIN {printf "%.0f", (b - a) / (y - x)}')
  E2E_POSTS[$mode]=$rps
  q1=$(sqs_requests); k1="$(metric catalog_enqueue_pack_size_sum) $(metric catalog_enqueue_pack_size_count)"
  E2E_SQS[$mode]=$(awk -v a="$q0" -v b="$q1" -v n="$stored" 'BEGIN {printf "%.4f", (b - a) / n}')
  E2E_PACK[$mode]=$(echo "$k0 $k1" | awk '{if ($4 > $2) printf "%.1f", ($3 - $1) / ($4 - $2); else print "-"}')
  E2E_PUTS[$mode]=$(awk -v a="$r0" -v b="$r1" -v n="$stored" 'BEGIN {printf "%.2f", (b - a) / n}')
  E2E_FILL[$mode]=$(fill_since "$f0")
  # cores each process used on average over load + drain: which one takes the machine
  E2E_CORES[$mode]=$(awk -v c=$((c1 - c0)) -v e=$((e1 - e0)) -v a="$t0" -v b="$t1" -v hz="$TICKS" \
    'BEGIN {printf "%.2f / %.2f", c / hz / (b - a), e / hz / (b - a)}')
  log "$mode: $stored stored, load $SECONDS_PER_RUN s + drain ${waited} s"
  # the open-model client sends creates only: no sustained rate for the versioned-write kinds
  [[ $kind == upsert || $kind == patch || $SUSTAIN_SECONDS == 0 ]] || run_sustained "$mode"
  stop_service
}

# Sustained end to end: what the pipeline keeps up with, as opposed to what it drains once the POSTs stop. An
# open-model load (a fixed arrival rate; latencies from each request's intended start) in steps of 1.2x from 40 % of
# the saturated rate above, in the same warmed service; after the first step it does not keep up with, one step
# halfway (1.1x the last one kept up with). A step is kept up with when every POST gets 202 with a p99 within 2 s
# (latency from each request's intended start, so a backlog of POSTs shows), at least 95 % of the products accepted
# during it are stored during it, and accept->stored p99 stays within 2 s.
declare -A SUS_RATE SUS_POST SUS_LAG SUS_CPU SUS_CORES SUS_NEXT
sustain_step() { # rate (products/s), kind: measures one step, prints "ok|behind accepted stored post lag cpu cores"
  local rate=$1 kind=$2 a0 s0 a1 s1 s2 c0 c1 c2 e0 e1 t0 t1 out
  read -r a0 s0 <<< "$(counts)"; c0=$(cpu_ticks "$SERVICE_PID"); e0=$(servers_ticks); t0=$(date +%s.%N)
  buckets catalog_products_accept_to_stored_seconds > "$WORK/sus0.txt"
  if [ "$kind" = bulk ]; then
    out=$(java -cp "$TOOLS_CP" io.asynccatalog.bench.OpenModelLoad "http://127.0.0.1:$SERVICE_PORT/products/batch" \
      "$(awk -v r="$rate" -v n="$BULK_SIZE" 'BEGIN {printf "%.2f", r / n}')" "$SUSTAIN_SECONDS" 5 64 "$BULK_SIZE" 2> /dev/null)
  else
    out=$(java -cp "$TOOLS_CP" io.asynccatalog.bench.OpenModelLoad "http://127.0.0.1:$SERVICE_PORT/products" "$rate" \
      "$SUSTAIN_SECONDS" 2> /dev/null)
  fi
  log "open model at $rate products/s ($kind): $out" # a step that fails on one POST says so here
  read -r a1 s1 <<< "$(counts)"; c1=$(cpu_ticks "$SERVICE_PID"); e1=$(servers_ticks); t1=$(date +%s.%N)
  drain > /dev/null
  read -r _ s2 <<< "$(counts)"; c2=$(cpu_ticks "$SERVICE_PID")
  buckets catalog_products_accept_to_stored_seconds > "$WORK/sus1.txt"
  local sent ok p50 p99 lag50 lag99
  sent=$(echo "$out" | sed -n 's/.*sent=\([0-9]*\).*/\1/p'); ok=$(echo "$out" | sed -n 's/.*accepted=\([0-9]*\).*/\1/p')
  p50=$(echo "$out" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p'); p99=$(echo "$out" | sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p')
  lag50=$(quantile "$WORK/sus0.txt" "$WORK/sus1.txt" 0.5); lag99=$(quantile "$WORK/sus0.txt" "$WORK/sus1.txt" 0.99)
  awk -v sent="${sent:-0}" -v ok="${ok:-0}" -v a=$((a1 - a0)) -v s=$((s1 - s0)) -v n=$((s2 - s0)) -v x="$t0" -v y="$t1" \
    -v c=$((c2 - c0)) -v sc=$((c1 - c0)) -v e=$((e1 - e0)) -v hz="$TICKS" -v p50="$p50" -v p99="$p99" -v l50="$lag50" \
    -v l99="$lag99" 'BEGIN {
      verdict = (sent > 0 && ok == sent && a > 0 && s >= 0.95 * a && l99 <= 2.0 && p99 + 0 <= 2000) ? "ok" : "behind"
      cpu = (n > 0) ? c * 1e6 / hz / n : 0
      printf("%s %d %d %s/%s %.0f/%.0f %.1f %.2f/%.2f\n", verdict, a, s, p50, p99,
        l50 * 1000, l99 * 1000, cpu, sc / hz / (y - x), e / hz / (y - x)) }'
}
run_sustained() { # mode
  local mode=$1 rate kept="" behind="" verdict accepted stored post lag cpu cores
  rate=$(awk -v r="${E2E_RATE[$mode]}" 'BEGIN {printf "%d", r * 0.4}')
  for _ in $(seq 1 12); do
    read -r verdict accepted stored post lag cpu cores <<< "$(sustain_step "$rate" "${KIND[$mode]}")"
    log "$mode at $rate products/s: $verdict (stored $stored of $accepted accepted within the step, POST p50/p99 $post ms, lag $lag ms)"
    if [ "$verdict" = ok ]; then
      kept=$rate; SUS_RATE[$mode]=$rate; SUS_POST[$mode]=$post; SUS_LAG[$mode]=$lag; SUS_CPU[$mode]=$cpu
      SUS_CORES[$mode]=$cores
      [ -n "$behind" ] && break # the step halfway was kept up with
    else
      local already_behind=$behind
      behind="$rate products/s: $stored of $accepted stored within the step, accept→stored p50/p99 $lag ms"
      [ -n "$already_behind" ] || [ -z "$kept" ] && break
      rate=$(awk -v r="$kept" 'BEGIN {printf "%d", r * 1.1}') # one step halfway, then stop
      continue
    fi
    rate=$(awk -v r="$rate" 'BEGIN {printf "%d", r * 1.2}')
  done
  SUS_NEXT[$mode]=$behind
}
SUSTAIN_SECONDS=${BENCH_SUSTAIN_SECONDS:-20}
# the modes measured before bulk requests and packing, with their settings, so that the gains show in one run
# shellcheck disable=SC2086
{
run_e2e per-product single $PREVIOUS
run_e2e batched-reports single CATALOG_REPORT_MODE=batched $PREVIOUS
run_e2e naive single CATALOG_BATCHING=false
# the same two batching modes with the SDK's calls on Vert.x's HTTP client instead of its Netty client
run_e2e per-product-vertx single CATALOG_AWS_HTTP_CLIENT=vertx $PREVIOUS
run_e2e batched-vertx single CATALOG_REPORT_MODE=batched CATALOG_AWS_HTTP_CLIENT=vertx $PREVIOUS
}
# today's defaults: single POSTs packed, and bulk requests of $BULK_SIZE, each with per-product and batched reports
run_e2e packed single
run_e2e packed-batched single CATALOG_REPORT_MODE=batched
run_e2e bulk bulk
run_e2e bulk-batched bulk CATALOG_REPORT_MODE=batched
# the defaults (Vert.x transport, direct calls) against every call through the SDK, on each of its transports, side
# by side on the three paths of the price-per-call targets; "again" repeats the defaults last, to show how far the
# order of the run moves a figure
declare -A VARIANT=([sdk]="CATALOG_AWS_CALLS=sdk" [netty]="CATALOG_AWS_HTTP_CLIENT=netty CATALOG_AWS_CALLS=sdk"
  [crt]="CATALOG_AWS_HTTP_CLIENT=crt CATALOG_AWS_CALLS=sdk" [again]="")
for variant in sdk netty crt again; do
  # shellcheck disable=SC2086 # a variant's settings are words
  {
  run_e2e "packed-$variant" single ${VARIANT[$variant]}
  run_e2e "packed-batched-$variant" single CATALOG_REPORT_MODE=batched ${VARIANT[$variant]}
  run_e2e "bulk-batched-$variant" bulk CATALOG_REPORT_MODE=batched ${VARIANT[$variant]}
  }
done
# BENCH_BASELINE_JAR: another build's AWS jar (e.g. the release before versions), its bulk creates measured in this run
# (BENCH_BASELINE_SETTINGS="CATALOG_AWS_HTTP_CLIENT=vertx": with settings of its own)
if [ -n "${BENCH_BASELINE_JAR:-}" ]; then
  # shellcheck disable=SC2086 # BENCH_BASELINE_SETTINGS: settings for that build, e.g. today's default transport
  SERVICE_JAR=$BENCH_BASELINE_JAR run_e2e bulk-batched-baseline bulk CATALOG_REPORT_MODE=batched ${BENCH_BASELINE_SETTINGS:-}
fi
# the version fence as a conditional PutItem per product instead of PartiQL statements, 25 a call (the default)
run_e2e bulk-batched-put-item bulk CATALOG_REPORT_MODE=batched CATALOG_DYNAMODB_WRITES=put-item
# versioned writes: bulk upserts by sku, then single merge patches of the products they wrote (same table and bucket)
run_e2e bulk-upserts upsert CATALOG_REPORT_MODE=batched
run_e2e bulk-upserts-put-item upsert CATALOG_REPORT_MODE=batched CATALOG_DYNAMODB_WRITES=put-item
run_e2e patches patch CATALOG_REPORT_MODE=batched CATALOG_TABLE_NAME=t-bulk-upserts CATALOG_BUCKET_NAME=r-bulk-upserts
# the same versioned writes with every call through the SDK (their own table for the upserts, as above)
run_e2e bulk-upserts-sdk upsert CATALOG_REPORT_MODE=batched CATALOG_AWS_CALLS=sdk
run_e2e patches-sdk patch CATALOG_REPORT_MODE=batched CATALOG_TABLE_NAME=t-bulk-upserts-sdk \
  CATALOG_BUCKET_NAME=r-bulk-upserts-sdk CATALOG_AWS_CALLS=sdk
# the same on PostgreSQL (the local server, in the local servers' process; a database per mode)
pg_url() { # mode: creates its database and prints the URL
  local db; db="bench_$(echo "$1" | tr - _)"
  java -cp "$TOOLS_CP" io.asynccatalog.bench.CreateDatabase "$PG_PORT" "$db" > /dev/null 2>&1 || log "no database $db"
  echo "postgresql://postgres@127.0.0.1:$PG_PORT/$db?sslmode=disable"
}
run_postgres() { # mode, load, then settings
  local mode=$1 kind=$2; shift 2
  if [ -n "${BENCH_MODES:-}" ] && [[ " $BENCH_MODES " != *" $mode "* ]]; then return 0; fi
  run_e2e "$mode" "$kind" CATALOG_STORE=postgres "CATALOG_POSTGRES_URL=$(pg_url "$mode")" "$@"
}
run_postgres postgres-packed single
run_postgres postgres-packed-batched single CATALOG_REPORT_MODE=batched
run_postgres postgres-bulk bulk
run_postgres postgres-bulk-batched bulk CATALOG_REPORT_MODE=batched
if [ -n "${BENCH_BASELINE_JAR:-}" ]; then
  # shellcheck disable=SC2086
  SERVICE_JAR=$BENCH_BASELINE_JAR run_postgres postgres-bulk-batched-baseline bulk CATALOG_REPORT_MODE=batched \
    ${BENCH_BASELINE_SETTINGS:-}
fi
run_postgres postgres-bulk-upserts upsert CATALOG_REPORT_MODE=batched
run_postgres postgres-patches patch CATALOG_REPORT_MODE=batched \
  "CATALOG_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PG_PORT/bench_postgres_bulk_upserts?sslmode=disable" \
  CATALOG_BUCKET_NAME=r-postgres-bulk-upserts

# --- 4. latency at half the maximum ingest rate and at half the end-to-end rate (Gatling, open model) ---------------
# The same sequence twice: the defaults, then every call at once (no linger of an idle publisher, no grouping of
# receives, no pause after a part-full receive), to show in one run what waiting for fuller calls saves, and costs in
# latency, where calls are part full: below saturation.
# half of what the pipeline can store (per-product reports): the load a deployment would be sized for
STORE_HALF=$(awk -v r="${E2E_RATE[per-product]:-0}" 'BEGIN {printf "%d", r / 2}')
declare -A HALF_P50 HALF_P99 STORE_P50 HALF_LAG50 HALF_LAG99 STORE_P99 STORE_LAG50 STORE_LAG99 STORE_CPU STORE_FILL HALF_RSS
run_half() { # name, then settings
  local name=$1; shift
  log "$name: half the ingest rate, $HALF POST/s for 20 s with consumers on, then half the end-to-end rate, $STORE_HALF POST/s"
  start_service "$name" "$@"
  for _ in $(seq 1 "$WARM_ROUNDS"); do run_wrk $SERVICE_PORT "$SECONDS_PER_RUN" > /dev/null; drain > /dev/null; done
  buckets catalog_products_accept_to_stored_seconds > "$WORK/half0.txt"
  read -r _ "HALF_P99[$name]" "HALF_P50[$name]" <<< "$(run_gatling $SERVICE_PORT "$HALF" "half-ingest-rate-$name")"
  drain > /dev/null
  buckets catalog_products_accept_to_stored_seconds > "$WORK/half1.txt"
  HALF_LAG50[$name]=$(quantile "$WORK/half0.txt" "$WORK/half1.txt" 0.5)
  HALF_LAG99[$name]=$(quantile "$WORK/half0.txt" "$WORK/half1.txt" 0.99)
  local s0 s1 c0 c1 f0
  s0=$(metric catalog_products_stored_total); c0=$(cpu_ticks "$SERVICE_PID"); f0=$(fill)
  read -r _ "STORE_P99[$name]" "STORE_P50[$name]" <<< "$(run_gatling $SERVICE_PORT "$STORE_HALF" "half-store-rate-$name")"
  drain > /dev/null
  s1=$(metric catalog_products_stored_total); c1=$(cpu_ticks "$SERVICE_PID")
  STORE_CPU[$name]=$(awk -v t=$((c1 - c0)) -v a="$s0" -v b="$s1" -v hz="$TICKS" 'BEGIN {printf "%.1f", t * 1e6 / hz / (b - a)}')
  STORE_FILL[$name]=$(fill_since "$f0")
  buckets catalog_products_accept_to_stored_seconds > "$WORK/half2.txt"
  STORE_LAG50[$name]=$(quantile "$WORK/half1.txt" "$WORK/half2.txt" 0.5)
  STORE_LAG99[$name]=$(quantile "$WORK/half1.txt" "$WORK/half2.txt" 0.99)
  HALF_RSS[$name]=$(rss_peak_mb "$SERVICE_PID")
  stop_service
}
set +u # from here on, the figures of modes left out by BENCH_MODES are empty
report=""
if [ -n "${E2E_RATE[per-product]}" ]; then
  run_half halfrate
  report=$(grep -o 'file:///[^ ]*index.html' "$WORK/gatling-half-ingest-rate-halfrate.txt" | tail -1 || true)
  run_half halfrate-at-once CATALOG_ENQUEUE_IDLE_LINGER_MS=0 CATALOG_SAVE_LINGER_MS=0 CATALOG_RECEIVE_PAUSE_MS=0
fi
half_p99=${HALF_P99[halfrate]}; half_lag_p50=${HALF_LAG50[halfrate]}; half_lag_p99=${HALF_LAG99[halfrate]}
store_half_p99=${STORE_P99[halfrate]}; store_half_lag_p50=${STORE_LAG50[halfrate]}
store_half_lag_p99=${STORE_LAG99[halfrate]}

# --- 5. the table -----------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'; }
times() { local r; r=$(ratio "$1" "$2"); [ "$r" = - ] && echo "-" || echo "$r×"; } # "-" where a mode did not run
ms() { awk -v s="$1" 'BEGIN {printf "%.0f", s * 1000}'; }
declare -A LABEL=([per-product]="per-product reports, one product per message (before)"
  [batched-reports]="batched reports, one product per message (before)" [naive]="naive (no batching)"
  [per-product-vertx]="per-product, Vert.x transport (before)" [batched-vertx]="batched, Vert.x transport (before)"
  [packed]="single POSTs, packed, per-product reports" [packed-batched]="single POSTs, packed, batched reports"
  [bulk]="bulk of $BULK_SIZE, packed, per-product reports" [bulk-batched]="bulk of $BULK_SIZE, packed, batched reports"
  [postgres-packed]="PostgreSQL: single POSTs, packed, per-product reports"
  [postgres-packed-batched]="PostgreSQL: single POSTs, packed, batched reports"
  [postgres-bulk]="PostgreSQL: bulk of $BULK_SIZE, per-product reports"
  [postgres-bulk-batched]="PostgreSQL: bulk of $BULK_SIZE, batched reports"
  [bulk-upserts]="bulk upserts by sku, $BULK_SIZE per request (a fifth to 100 hot skus), batched reports"
  [patches]="single merge patches by sku, batched reports"
  [postgres-bulk-upserts]="PostgreSQL: bulk upserts by sku, $BULK_SIZE per request, batched reports"
  [postgres-patches]="PostgreSQL: single merge patches by sku, batched reports"
  [bulk-batched-baseline]="bulk of $BULK_SIZE, batched reports: the baseline jar"
  [packed-netty]="single POSTs, packed, per-product reports, netty transport"
  [packed-batched-netty]="single POSTs, packed, batched reports, netty transport"
  [bulk-batched-netty]="bulk of $BULK_SIZE, packed, batched reports, netty transport"
  [packed-again]="single POSTs, packed, per-product reports, the defaults again"
  [packed-batched-again]="single POSTs, packed, batched reports, the defaults again"
  [bulk-batched-again]="bulk of $BULK_SIZE, packed, batched reports, the defaults again"
  [bulk-upserts-sdk]="bulk upserts by sku, as above, every call through the SDK"
  [patches-sdk]="single merge patches by sku, every call through the SDK"
  [packed-sdk]="single POSTs, packed, per-product reports, every call through the SDK"
  [packed-batched-sdk]="single POSTs, packed, batched reports, every call through the SDK"
  [bulk-batched-sdk]="bulk of $BULK_SIZE, packed, batched reports, every call through the SDK"
  [packed-crt]="single POSTs, packed, per-product reports, crt transport"
  [packed-batched-crt]="single POSTs, packed, batched reports, crt transport"
  [bulk-batched-crt]="bulk of $BULK_SIZE, packed, batched reports, crt transport"
  [bulk-batched-put-item]="bulk of $BULK_SIZE, batched reports, a conditional PutItem per product"
  [bulk-upserts-put-item]="bulk upserts by sku, as above, a conditional PutItem per product"
  [postgres-bulk-batched-baseline]="PostgreSQL: bulk of $BULK_SIZE, batched reports: the baseline jar")
# the local servers' ceiling for each mode's calls: the direct SDK pipeline and drain loops of EmulatorCeiling
declare -A CEIL=([per-product]=$pipeline_per_product_per_s [batched-reports]=$pipeline_batched_per_s
  [naive]=$pipeline_naive_per_s [per-product-vertx]=$pipeline_per_product_per_s [batched-vertx]=$pipeline_batched_per_s
  [packed]=$pipeline_packed_per_s [packed-batched]=$pipeline_packed_batched_per_s [bulk]=$pipeline_packed_per_s
  [bulk-batched]=$pipeline_packed_batched_per_s [postgres-packed]=- [postgres-packed-batched]=- [postgres-bulk]=-
  [postgres-bulk-batched]=- [bulk-upserts]=- [patches]=- [postgres-bulk-upserts]=- [postgres-patches]=-
  [bulk-batched-baseline]=- [postgres-bulk-batched-baseline]=- [bulk-batched-put-item]=- [bulk-upserts-put-item]=-
  [packed-netty]=- [packed-batched-netty]=- [bulk-batched-netty]=- [packed-crt]=- [packed-batched-crt]=-
  [packed-again]=- [packed-batched-again]=- [bulk-batched-again]=- [packed-sdk]=- [packed-batched-sdk]=-
  [bulk-batched-sdk]=- [bulk-upserts-sdk]=- [patches-sdk]=-
  [bulk-batched-crt]=-)
declare -A DRAIN_CEIL=([per-product]=$drain_per_product_per_s [batched-reports]=$drain_batched_per_s
  [naive]=$drain_naive_per_s [per-product-vertx]=$drain_per_product_per_s [batched-vertx]=$drain_batched_per_s
  [packed]=$drain_packed_per_s [packed-batched]=$drain_packed_batched_per_s [bulk]=$drain_packed_per_s
  [bulk-batched]=$drain_packed_batched_per_s [postgres-packed]=- [postgres-packed-batched]=- [postgres-bulk]=-
  [postgres-bulk-batched]=-)
sus_lag99() { echo "${SUS_LAG[$1]:-}" | cut -d/ -s -f2; }
sus_post99() { echo "${SUS_POST[$1]:-}" | cut -d/ -s -f2; }
# one row: label, then an expression evaluated per mode with $m set (single quotes at the call)
row() {
  local label=$1 expr=$2 line m; shift 2
  line="| $label |"
  for m in "$@"; do line+=" $(eval "echo \"$expr\"") |"; done
  echo "$line"
}
e2e_table() { # modes
  local header="| end to end (stored/s over load + drain) |" sep="|---|" m
  for m in "$@"; do header+=" ${LABEL[$m]} |"; sep+="---|"; done
  echo "$header"; echo "$sep"
  row "products stored per second" '**${E2E_RATE[$m]}**' "$@"
  row "service CPU per product" '**${E2E_CPU[$m]} µs**' "$@"
  row "SQS requests (send + receive + delete) per product" '${E2E_SQS[$m]}' "$@"
  row "S3 PUTs per product" '${E2E_PUTS[$m]}' "$@"
  row "products per SQS message sent" '${E2E_PACK[$m]}' "$@"
  row "products per SQS send / receive / store group" '${E2E_FILL[$m]}' "$@"
  row "accept→stored p50 / p99 (under saturation)" '$(ms "${E2E_P50[$m]}") / $(ms "${E2E_P99[$m]}") ms' "$@"
  row "products accepted/s during the run (POST requests/s)" '${E2E_INGEST[$m]} (${E2E_POSTS[$m]})' "$@"
  row "cores used on average over load + drain: service / local servers" '${E2E_CORES[$m]}' "$@"
  row "peak RSS" '${E2E_RSS[$m]} MB' "$@"
  row "emulator ceiling for the same calls (direct SDK pipeline: send, receive, store, delete; 16 in flight)" \
    '${CEIL[$m]}' "$@"
  row "vs that ceiling" '$(ratio "${E2E_RATE[$m]}" "${CEIL[$m]}")' "$@"
  row "stored/s while the POSTs come (the load window)" '${E2E_LOAD[$m]}' "$@"
  row "stored/s draining the backlog once the POSTs stop (consumers alone)" '**${E2E_DRAIN[$m]}**' "$@"
  row "service CPU per product while draining (the consumer side alone)" '${E2E_DRAIN_CPU[$m]} µs' "$@"
  row "drain ceiling: the same consumer calls on a queued backlog (direct SDK loop: receive, store, delete)" \
    '${DRAIN_CEIL[$m]}' "$@"
  row "draining vs that ceiling" '$(ratio "${E2E_DRAIN[$m]}" "${DRAIN_CEIL[$m]}")' "$@"
  row "vs naive (stored/s)" '$(times "${E2E_RATE[$m]}" "${E2E_RATE[naive]}")' "$@"
  row "**sustained**: the highest open-model rate kept up with, in products/s (every POST 202 with p99 ≤ 2 s, ≥ 95 % stored within the step, accept→stored p99 ≤ 2 s; steps of 1.2× from 40 % of the rate above, $SUSTAIN_SECONDS s after 5 s, then one of 1.1×)" \
    '**${SUS_RATE[$m]:--}**' "$@"
  row "at that rate: POST p50 / p99" '${SUS_POST[$m]:--} ms' "$@"
  row "at that rate: accept→stored p50 / p99" '${SUS_LAG[$m]:--} ms' "$@"
  row "at that rate: service CPU per product" '${SUS_CPU[$m]:--} µs' "$@"
  row "at that rate: cores used, service / local servers" '${SUS_CORES[$m]:--}' "$@"
  row "sustained vs the pipeline ceiling" '$(ratio "${SUS_RATE[$m]:-0}" "${CEIL[$m]}")' "$@"
  row "sustained vs naive" '$(times "${SUS_RATE[$m]:-0}" "${SUS_RATE[naive]:-0}")' "$@"
  row "the first step not kept up with" '${SUS_NEXT[$m]:--}' "$@"
}
E2E_TABLE_A=$(e2e_table per-product batched-reports naive packed packed-batched bulk bulk-batched)
E2E_TABLE_B=$(e2e_table per-product-vertx batched-vertx)
E2E_TABLE_C=$(e2e_table packed packed-batched bulk bulk-batched postgres-packed postgres-packed-batched postgres-bulk \
  postgres-bulk-batched)
# versioned writes against the bulk creates of the same store (targets: at least half the rate, at most twice the CPU)
writes_table() {
  echo "| versioned writes (settled = stored or superseded) | writes settled/s | service CPU per write | rate vs bulk creates, same store | CPU vs bulk creates, same store |"
  echo "|---|---|---|---|---|"
  local m base
  for m in bulk-batched-baseline bulk-batched-put-item bulk-upserts bulk-upserts-put-item bulk-upserts-sdk patches \
    patches-sdk postgres-bulk-batched-baseline postgres-bulk-upserts postgres-patches; do
    base=bulk-batched; [[ $m == postgres-* ]] && base=postgres-bulk-batched
    [ -n "${E2E_RATE[$m]:-}" ] || continue
    echo "| ${LABEL[$m]} | ${E2E_RATE[$m]} | ${E2E_CPU[$m]} µs | $(ratio "${E2E_RATE[$m]}" "${E2E_RATE[$base]}") | $(ratio "${E2E_CPU[$m]}" "${E2E_CPU[$base]}") |"
  done
}
E2E_TABLE_D=$(writes_table)
# the transports against the targets of service CPU per product (single POSTs per-product reports 200 µs, single
# POSTs batched reports 60 µs, bulk of 100 batched reports 30 µs and RSS 384 MB)
transports_table() {
  echo "| path (target) | defaults (Vert.x, direct calls): products/s, CPU, RSS | every call through the SDK (Vert.x) | the SDK on its Netty client | the SDK on CRT | the defaults again, last |"
  echo "|---|---|---|---|---|---|"
  local path target cells t m
  for path in packed:200 packed-batched:60 bulk-batched:30; do
    target=${path#*:}; path=${path%%:*}
    cells=""
    for t in "" -sdk -netty -crt -again; do
      m=$path$t
      if [ -n "${E2E_RATE[$m]:-}" ]; then
        cells="$cells | ${E2E_RATE[$m]}/s, **${E2E_CPU[$m]} µs** ($(ratio "${E2E_CPU[$m]}" "$target")× the target; JIT ${E2E_JIT[$m]} % of it), ${E2E_RSS[$m]} MB"
      else
        cells="$cells | -"
      fi
    done
    echo "| ${LABEL[$path]} (≤ $target µs)$cells |"
  done
}
E2E_TABLE_E=$(transports_table)
DATE=$(date -u +%Y-%m-%d)
CPUS=$(nproc)
TABLE=$(cat <<TXT
AsyncCatalog benchmark, $DATE, $CPUS cores, service $HEAP $JVM, load tool, service and local servers on one machine
wrk -t2 -c$CONNECTIONS, ${SECONDS_PER_RUN} s per measured run after $WARM_ROUNDS warm-up rounds

| figure | value |
|---|---|
| HTTP ceiling: raw Vert.x server, parse + 202 | $raw_rps req/s, p50 $raw_p50 ms, p99 $raw_p99 ms, $raw_cpu µs CPU/request |
| SQS ceiling: SendMessageBatch(10) | $sqs_send_batch_msgs_per_s msg/s |
| SQS ceiling: ReceiveMessage(10) + DeleteMessageBatch | $sqs_receive_delete_msgs_per_s msg/s |
| DynamoDB ceiling: BatchWriteItem(25) / PutItem | $ddb_batch_write_items_per_s / $ddb_put_item_per_s items/s |
| S3 ceiling: PutObject | $s3_put_object_per_s objects/s |
| **ingest** (no consumers): POST→202 | **$ing_rps req/s**, p50 $ing_p50 ms, p99 $ing_p99 ms, non-202: $ing_bad |
| ingest vs SQS batched-send ceiling | $(ratio "$ing_rps" "$sqs_send_batch_msgs_per_s") |
| ingest service CPU per product | **$ing_cpu µs** ($(ratio "$ing_cpu" "$raw_cpu")× the raw server; $ing_jit % of it in the JIT compilers) |
| CPU per request at the same rate, $HALF req/s (Gatling): service ingest / raw server | $ing_cpu_same µs / $raw_cpu_same µs = $(ratio "$ing_cpu_same" "$raw_cpu_same")× |
| ingest peak RSS | $ing_rss MB |
| ingest with the Vert.x transport (\`CATALOG_AWS_HTTP_CLIENT=vertx\`) | $ingv_rps req/s, p99 $ingv_p99 ms, **$ingv_cpu µs** CPU per product ($(ratio "$ingv_cpu" "$raw_cpu")× the raw server) |

$E2E_TABLE_A

$E2E_TABLE_B

The same modes with the two stores: DynamoDB (the local server) against PostgreSQL (a real PostgreSQL 17, in the
local servers' process tree, whose CPU counts with theirs). The local servers' ceilings above are DynamoDB's.

$E2E_TABLE_C

$E2E_TABLE_D

The SDK's HTTP transports (\`CATALOG_AWS_HTTP_CLIENT\`), service CPU per product against the targets:

$E2E_TABLE_E

| consumers on, Gatling open model, 20 s after a 5 s ramp | half the maximum ingest rate ($HALF POST/s) | half the end-to-end rate ($STORE_HALF POST/s) | the same, every call at once (\`CATALOG_ENQUEUE_IDLE_LINGER_MS=0 CATALOG_SAVE_LINGER_MS=0 CATALOG_RECEIVE_PAUSE_MS=0\`) |
|---|---|---|---|
| POST p50 / p99 | ${HALF_P50[halfrate]:-?} / ${half_p99:-?} ms | ${STORE_P50[halfrate]:-?} / ${store_half_p99:-?} ms | ${STORE_P50[halfrate-at-once]:-?} / ${STORE_P99[halfrate-at-once]:-?} ms |
| accept→stored p50 / p99 | $(ms "${half_lag_p50:-0}") / $(ms "${half_lag_p99:-0}") ms | $(ms "${store_half_lag_p50:-0}") / $(ms "${store_half_lag_p99:-0}") ms | $(ms "${STORE_LAG50[halfrate-at-once]:-0}") / $(ms "${STORE_LAG99[halfrate-at-once]:-0}") ms |
| service CPU per stored product | | **${STORE_CPU[halfrate]} µs** | ${STORE_CPU[halfrate-at-once]} µs |
| products per SQS send / receive / store | | ${STORE_FILL[halfrate]} | ${STORE_FILL[halfrate-at-once]} |
| peak RSS (both runs) | ${HALF_RSS[halfrate]} MB | | ${HALF_RSS[halfrate-at-once]} MB |
TXT
)
mkdir -p "$OUT"
echo "$TABLE" | tee "$OUT/bench-$DATE$TAG.md"
cat > "$OUT/bench-$DATE$TAG.properties" <<PROPS
date=$DATE
cores=$CPUS
raw_rps=$raw_rps
sqs_send_ceiling=$sqs_send_batch_msgs_per_s
per_product_ceiling=$pipeline_per_product_per_s
batched_ceiling=$pipeline_batched_per_s
naive_ceiling=$pipeline_naive_per_s
per_product_vertx_ceiling=$pipeline_per_product_per_s
batched_vertx_ceiling=$pipeline_batched_per_s
raw_cpu_us=$raw_cpu
ingest_rps=$ing_rps
ingest_cpu_us=$ing_cpu
ingest_vertx_cpu_us=$ingv_cpu
ingest_p99_ms=$ing_p99
ingest_cpu_same_rate_us=$ing_cpu_same
raw_cpu_same_rate_us=$raw_cpu_same
half_ingest_post_p99_ms=${half_p99:-}
half_ingest_lag_p99_ms=$(ms "${half_lag_p99:-0}")
half_store_post_p99_ms=${store_half_p99:-}
half_store_lag_p99_ms=$(ms "${store_half_lag_p99:-0}")
half_store_cpu_us=${STORE_CPU[halfrate]}
half_store_at_once_cpu_us=${STORE_CPU[halfrate-at-once]}
per_product_rate=${E2E_RATE[per-product]}
per_product_cpu_us=${E2E_CPU[per-product]}
per_product_p99_ms=$(ms "${E2E_P99[per-product]}")
batched_rate=${E2E_RATE[batched-reports]}
batched_cpu_us=${E2E_CPU[batched-reports]}
batched_p99_ms=$(ms "${E2E_P99[batched-reports]}")
naive_rate=${E2E_RATE[naive]}
naive_cpu_us=${E2E_CPU[naive]}
naive_p99_ms=$(ms "${E2E_P99[naive]}")
per_product_vertx_rate=${E2E_RATE[per-product-vertx]}
per_product_vertx_cpu_us=${E2E_CPU[per-product-vertx]}
per_product_vertx_p99_ms=$(ms "${E2E_P99[per-product-vertx]}")
batched_vertx_rate=${E2E_RATE[batched-vertx]}
batched_vertx_cpu_us=${E2E_CPU[batched-vertx]}
batched_vertx_p99_ms=$(ms "${E2E_P99[batched-vertx]}")
per_product_drain_rate=${E2E_DRAIN[per-product]}
per_product_drain_cpu_us=${E2E_DRAIN_CPU[per-product]}
per_product_drain_ceiling=$drain_per_product_per_s
batched_drain_rate=${E2E_DRAIN[batched-reports]}
batched_drain_cpu_us=${E2E_DRAIN_CPU[batched-reports]}
batched_drain_ceiling=$drain_batched_per_s
PROPS
for mode in per-product batched-reports naive per-product-vertx batched-vertx packed packed-batched bulk bulk-batched \
  postgres-packed postgres-packed-batched postgres-bulk postgres-bulk-batched; do
  # the chart's keys: per_product_…
  key=$(echo "${mode%-reports}" | tr - _)
  printf '%s_sustained_rate=%s\n%s_sustained_cpu_us=%s\n%s_sustained_lag_p99_ms=%s\n%s_sustained_post_p99_ms=%s\n' \
    "$key" "${SUS_RATE[$mode]:-}" "$key" "${SUS_CPU[$mode]:-}" "$key" "$(sus_lag99 "$mode")" "$key" "$(sus_post99 "$mode")"
  printf '%s_rate=%s\n%s_cpu_us=%s\n%s_sqs_requests_per_product=%s\n%s_ceiling=%s\n' "$key" "${E2E_RATE[$mode]}" \
    "$key" "${E2E_CPU[$mode]}" "$key" "${E2E_SQS[$mode]}" "$key" "${CEIL[$mode]}"
done >> "$OUT/bench-$DATE$TAG.properties"
[ -n "$report" ] && log "Gatling report: $report"
# a chart of the modes this run measured, next to its results (docs/ shows the ones the docs quote)
java -cp "$TOOLS_CP" io.asynccatalog.bench.Chart "$OUT/bench-$DATE$TAG.properties" "$OUT/bench-$DATE$TAG.png" 2>/dev/null \
  && log "chart: $OUT/bench-$DATE$TAG.png" || true
if [ -z "$TAG" ]; then # the default run's chart in docs/performance.md
  cp "$OUT/bench-$DATE.png" docs/performance.png 2>/dev/null || true
fi
