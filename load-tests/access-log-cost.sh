#!/usr/bin/env bash
# The access log's cost per request, A/B in one run: the service in AWS mode against the local AWS-compatible
# servers (their own process), JSON logs to a file as in the container, ingest only (no consumers, so the window
# holds the HTTP side alone), closed-loop wrk at 64 connections on POST /products; the access log off and on in
# turn (off, on, off, on), each after its own warm-up rounds; service CPU from /proc over each window.
#
#   load-tests/access-log-cost.sh        # ACCESS_SECONDS=10 ACCESS_WARM_ROUNDS=4 ACCESS_CONNECTIONS=64
#
# Load goes to 127.0.0.1 only, each run is bounded in time, and every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${ACCESS_SECONDS:-10}
WARM_ROUNDS=${ACCESS_WARM_ROUNDS:-4}
CONNECTIONS=${ACCESS_CONNECTIONS:-64}
SQS_PORT=19424; DDB_PORT=18100; S3_PORT=19100; SERVICE_PORT=18180
WORK=$(mktemp -d)
TICKS=$(getconf CLK_TCK)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }
[ -f target/async-catalog.jar ] || mvn -q -B -DskipTests package

cat > "$WORK/post.lua" <<'LUA'
local counter = 0
local tag = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  return wrk.format("POST", "/products", {["Content-Type"] = "application/json"},
    '{"name":"Access ' .. tag .. '-' .. counter .. '","description":"Blue ink","price":"1.99"}')
end
LUA

CATALOG_DATA_DIR="$WORK/aws" CATALOG_LOCAL_SQS_PORT=$SQS_PORT CATALOG_LOCAL_DYNAMODB_PORT=$DDB_PORT \
  CATALOG_LOCAL_S3_PORT=$S3_PORT java -Xmx1g -jar target/async-catalog.jar emulators > "$WORK/emulators.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do (echo > /dev/tcp/127.0.0.1/$S3_PORT) 2>/dev/null && break; sleep 0.5; done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # $1: true/false (access log); prints "requests cpu_ticks"
  CATALOG_MODE=aws CATALOG_PROVISION=true AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
    AWS_ENDPOINT_URL_SQS=http://127.0.0.1:$SQS_PORT AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$DDB_PORT \
    AWS_ENDPOINT_URL_S3=http://127.0.0.1:$S3_PORT CATALOG_AUTH=off CATALOG_HTTP_HOST=127.0.0.1 \
    CATALOG_HTTP_PORT=$SERVICE_PORT CATALOG_CONSUMER_INSTANCES=0 CATALOG_LOG_FORMAT=json CATALOG_ACCESS_LOG="$1" \
    java -Xmx256m -XX:+UseSerialGC -jar target/async-catalog-aws.jar > "$WORK/service-$1.log" 2>&1 &
  local pid=$!
  PIDS+=($pid)
  for _ in $(seq 1 120); do
    curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$SERVICE_PORT/health/ready" 2>/dev/null | grep -q 200 && break
    sleep 0.5
  done
  for _ in $(seq 1 "$WARM_ROUNDS"); do
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/post.lua" "http://127.0.0.1:$SERVICE_PORT" > /dev/null
  done
  local before; before=$(cpu $pid)
  local requests
  requests=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/post.lua" "http://127.0.0.1:$SERVICE_PORT" \
    | awk '/requests in/ {print $1}')
  local after; after=$(cpu $pid)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$requests $((after - before))"
}

echo "| access log | requests in ${SECONDS_PER_RUN} s | requests/s | service CPU per request (µs) |"
echo "|---|---|---|---|"
for setting in false true false true; do
  read -r requests ticks < <(run "$setting")
  awk -v s="$setting" -v r="$requests" -v t="$ticks" -v hz="$TICKS" -v d="$SECONDS_PER_RUN" \
    'BEGIN { printf "| %s | %d | %.0f | %.1f |\n", (s == "true" ? "on" : "off"), r, r / d, t / hz * 1e6 / r }'
done
