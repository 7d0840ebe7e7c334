#!/usr/bin/env bash
# Builds the unchanged Dockerfile and checks the image end to end: the container, in AWS mode, against the local
# AWS-compatible servers on this machine; POST, then GET, the health check, and a clean SIGTERM.
#
#   deploy/container-test.sh
#
# Uses podman with runc (a Docker engine works the same way: set ENGINE=docker). Where base images cannot be
# pulled, it builds a stand-in base (Debian bookworm with OpenJDK 17 and Maven, by debootstrap) and tags it with
# the names the Dockerfile uses, then builds with --pull=never. Everything it starts is stopped by name or PID.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${ENGINE:-podman}
IMAGE=async-catalog:test
CONTAINER=async-catalog-test
PORT=${CONTAINER_TEST_PORT:-18090}
SQS_PORT=29324; DDB_PORT=28000; S3_PORT=29000
WORK=$(mktemp -d)
EMULATORS_PID=""
run_opts=()
[ "$ENGINE" = podman ] && run_opts=(--runtime runc)

log() { echo "[container-test $(date +%H:%M:%S)] $*" >&2; }
cleanup() {
  $ENGINE rm -f "$CONTAINER" >/dev/null 2>&1 || true
  [ -n "$EMULATORS_PID" ] && kill "$EMULATORS_PID" 2>/dev/null && wait "$EMULATORS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v "$ENGINE" >/dev/null; then
  log "installing podman and runc"
  as_root apt-get update -qq
  as_root apt-get install -y -qq podman runc debootstrap >/dev/null
fi

# --- base images: pull them, or build a stand-in -------------------------------------------------------------------
bases=("docker.io/library/maven:3.9-eclipse-temurin-17" "docker.io/library/eclipse-temurin:17-jre")
missing=0
for base in "${bases[@]}"; do
  $ENGINE image exists "$base" 2>/dev/null || $ENGINE pull -q "$base" >/dev/null 2>&1 || missing=1
done
if [ "$missing" = 1 ]; then
  log "base images cannot be pulled here: building a stand-in (Debian bookworm, OpenJDK 17, Maven) with debootstrap"
  command -v debootstrap >/dev/null || { as_root apt-get update -qq; as_root apt-get install -y -qq debootstrap >/dev/null; }
  as_root debootstrap --variant=minbase --include=openjdk-17-jdk-headless,maven,ca-certificates,passwd \
    bookworm "$WORK/rootfs" http://deb.debian.org/debian >/dev/null
  # the stand-in trusts what this machine trusts (an egress proxy may re-sign TLS, e.g. to Maven Central)
  if [ -f /etc/ssl/certs/java/cacerts ]; then as_root cp /etc/ssl/certs/java/cacerts "$WORK/rootfs/etc/ssl/certs/java/cacerts"; fi
  as_root tar -C "$WORK/rootfs" -c . | $ENGINE import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - localhost/stand-in-jdk17:latest >/dev/null
  for base in "${bases[@]}"; do $ENGINE tag localhost/stand-in-jdk17:latest "$base"; done
fi

# --- build the unchanged Dockerfile --------------------------------------------------------------------------------
log "building $IMAGE"
build_opts=(--network host)
# docker format: OCI images drop HEALTHCHECK
[ "$ENGINE" = podman ] && build_opts+=(--pull=never --runtime runc --format docker)
$ENGINE build "${build_opts[@]}" -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }
$ENGINE image inspect "$IMAGE" --format 'image {{.Id}}: {{.Size}} bytes, user {{.Config.User}}, entrypoint {{.Config.Entrypoint}}' >&2

# --- the local AWS-compatible servers, on the host -------------------------------------------------------------------
[ -f target/async-catalog.jar ] || mvn -q -B -DskipTests package
CATALOG_DATA_DIR="$WORK/emulators" CATALOG_LOCAL_SQS_PORT=$SQS_PORT CATALOG_LOCAL_DYNAMODB_PORT=$DDB_PORT \
  CATALOG_LOCAL_S3_PORT=$S3_PORT java -jar target/async-catalog.jar emulators > "$WORK/emulators.log" 2>&1 &
EMULATORS_PID=$!
for _ in $(seq 1 300); do (echo > /dev/tcp/127.0.0.1/$S3_PORT) 2>/dev/null && break; sleep 0.1; done

# --- run the image against them ------------------------------------------------------------------------------------
log "running $CONTAINER"
$ENGINE run -d --name "$CONTAINER" "${run_opts[@]}" --network host \
  --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
  -e CATALOG_HTTP_PORT=$PORT -e CATALOG_PROVISION=true -e CATALOG_API_KEYS=container-test-key \
  -e AWS_REGION=us-east-1 -e AWS_ACCESS_KEY_ID=local -e AWS_SECRET_ACCESS_KEY=local \
  -e AWS_ENDPOINT_URL_SQS=http://127.0.0.1:$SQS_PORT -e AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$DDB_PORT \
  -e AWS_ENDPOINT_URL_S3=http://127.0.0.1:$S3_PORT -e CATALOG_JOURNEY_LOG_LEVEL=INFO \
  "$IMAGE" >/dev/null
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready")" = 200 ] && break
  sleep 0.1
done

accepted=$(curl -s -X POST "http://127.0.0.1:$PORT/products" -H 'Content-Type: application/json' \
  -H 'X-API-Key: container-test-key' -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' \
  -d '{"name":"Container pen","price":"2.50"}')
echo "POST -> $accepted"
id=$(echo "$accepted" | sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p')
status=404
for _ in $(seq 1 300); do
  status=$(curl -s -o "$WORK/product.json" -w '%{http_code}' "http://127.0.0.1:$PORT/products/$id")
  [ "$status" = 200 ] && break
  sleep 0.1
done
echo "GET /products/$id -> $status $(cat "$WORK/product.json")"
[ "$status" = 200 ] || { $ENGINE logs "$CONTAINER" | tail -30; exit 1; }

if [ "$ENGINE" = podman ]; then
  $ENGINE healthcheck run "$CONTAINER" && echo "HEALTHCHECK -> healthy"
fi
for _ in $(seq 1 100); do  # the "stored" line follows the report, a moment after the item is readable
  [ "$($ENGINE logs "$CONTAINER" 2>&1 | grep -c "$id")" -ge 2 ] && break
  sleep 0.1
done
echo "journey log lines of $id:"
$ENGINE logs "$CONTAINER" 2>&1 | grep "$id" | head -5

log "stopping with SIGTERM"
started=$(date +%s%N)
$ENGINE stop -t 30 "$CONTAINER" >/dev/null
echo "stopped in $(( ($(date +%s%N) - started) / 1000000 )) ms, exit code $($ENGINE inspect "$CONTAINER" --format '{{.State.ExitCode}}')"
$ENGINE logs "$CONTAINER" 2>&1 | grep -E '"AsyncCatalog stopped"|AsyncCatalog stopped' | tail -1
echo "container test passed"
