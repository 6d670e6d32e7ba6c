#!/usr/bin/env bash
# Start-up bench: seconds from `java -jar` to the "listening" line of `serve --demo`, with the demo estate
# already stored. Usage: benchmarks/startup/restart.sh [images=10000] [restarts=3] [data-dir=fresh temp dir]
# The first start seeds the store (reported as "seed"); each later start is a restart over the stored estate.
# Also prints the seconds until /readyz answers 200 (the impact index loads after the service listens).
set -euo pipefail
IMAGES=${1:-10000}; RESTARTS=${2:-3}; DIR=${3:-$(mktemp -d /tmp/startup-bench.XXXXXX)}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=${JAR:-$(cd "$(dirname "$0")/../.." && pwd)/scheduler-app/target/scheduler-app.jar}
echo "data dir $DIR, $IMAGES images, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
one() { # $1 = label; prints seconds to "listening", then stops the server
  local log; log=$(mktemp); local t0; t0=$(date +%s.%N)
  "$JAVA" ${JAVA_OPTS:-} -jar "$JAR" serve --demo --demo-images "$IMAGES" --port 0 --data-dir "$DIR" >"$log" 2>&1 &
  local pid=$!
  until grep -q "listening on" "$log"; do
    if ! kill -0 $pid 2>/dev/null; then cat "$log"; exit 1; fi
    sleep 0.05
  done
  local t1; t1=$(date +%s.%N)
  # CPU seconds the JVM used until then (user + system, all its threads): less sensitive to the neighbours' load.
  local cpu; cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' /proc/$pid/stat)
  # Then until /readyz answers 200: the service listens before its impact index is loaded (index-bound requests
  # wait for it meanwhile), so "ready" is when a preview or plan answers without waiting.
  local port; port=$(grep -o 'listening on http://[^ /]*:[0-9]*' "$log" | head -1 | sed 's/.*://')
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
    if ! kill -0 $pid 2>/dev/null; then cat "$log"; exit 1; fi
    sleep 0.05
  done
  local t2; t2=$(date +%s.%N)
  printf '%-8s %6.2f s to listening, %6s s CPU, %6.2f s to ready (/readyz 200)\n' "$1" "$(echo "$t1 - $t0" | bc)" \
      "$cpu" "$(echo "$t2 - $t0" | bc)"
  kill $pid; wait $pid 2>/dev/null || true; rm -f "$log"
}
[ -e "$DIR/scheduler.db" ] || one seed
for i in $(seq 1 "$RESTARTS"); do one "restart$i"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
