#!/usr/bin/env bash
# Outbox append and delivery rates on SQLite and PostgreSQL (a benchmark, not a test).
# Usage: scheduler-adapters-jdbc/run-benchmark.sh [events=2000] [runs=20]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -q -B -o -pl scheduler-adapters-jdbc -am verify -DskipTests \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
"$JAVA_HOME/bin/java" -cp "scheduler-adapters-jdbc/target/test-classes:scheduler-adapters-jdbc/target/classes:$(cat "$CP_FILE")" \
    io.verdict.scheduler.jdbc.OutboxBenchmark "$@"
