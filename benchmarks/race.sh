#!/usr/bin/env bash
# The issue-8 throughput race: ours (embedded SQLite, PostgreSQL + Redis, Mongo wire + Redis) vs db-scheduler and
# JobRunr on the same PostgreSQL, plus raw floors. Prints one markdown table on stdout (progress on stderr).
# Needs: ./mvnw -B -Pbench -pl benchmarks -am package -DskipTests; PostgreSQL 127.0.0.1:5432 (db test), Redis 6379.
# Every lane runs in a child JVM with these same flags.   Usage: benchmarks/race.sh [--targets N] [--quick] [...]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
exec "$JAVA" -Xms1g -Xmx3g -XX:+UseG1GC -cp benchmarks/target/benchmarks.jar io.verdict.scheduler.bench.race.Race "$@"
