#!/usr/bin/env bash
# Indexing bench: starts `serve` (no demo) on a fresh data dir, PUTs N images through the API, prints images/s.
# Usage: benchmarks/startup/index.sh [images=10000] [in-flight=8]
set -euo pipefail
N=${1:-10000}; C=${2:-8}; DIR=$(mktemp -d /tmp/index-bench.XXXXXX)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
HERE=$(cd "$(dirname "$0")" && pwd)
JAR=${JAR:-$HERE/../../scheduler-app/target/scheduler-app.jar}
echo "data dir $DIR, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
log=$(mktemp)
"$JAVA" ${JAVA_OPTS:-} -jar "$JAR" serve --port 0 --data-dir "$DIR" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until grep -q "verdict scheduler listening on" "$log"; do kill -0 $pid || { cat "$log"; exit 1; }; sleep 0.1; done
BASE=$(grep -o 'http://[^ ]*' "$log" | head -1)
TOKEN=$("$JAVA" -jar "$JAR" token --tenant demo --scope scheduler.runs.write --data-dir "$DIR")
"$JAVA" -cp "$JAR" "$HERE/IndexBench.java" "$BASE" "$TOKEN" "$N" "$C"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
