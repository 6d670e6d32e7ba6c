#!/usr/bin/env bash
# Plans a 100,000-target run into MongoDB and prints the time (a benchmark, not a test).
# Usage: scheduler-adapters-mongo/run-benchmark.sh [targets] [repetitions]; MONGO_URI=... to use a real server.
#        BENCH=ExecuteOnMongoBenchmark scheduler-adapters-mongo/run-benchmark.sh [targets] [segmentSize]  (execution)
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
mvn -q -B -pl scheduler-adapters-mongo -am verify -DskipTests \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
"$JAVA_HOME/bin/java" -cp "scheduler-adapters-mongo/target/test-classes:scheduler-adapters-mongo/target/classes:$(cat "$CP_FILE")" \
    "io.verdict.scheduler.mongo.${BENCH:-PlanIntoMongoBenchmark}" "$@"
