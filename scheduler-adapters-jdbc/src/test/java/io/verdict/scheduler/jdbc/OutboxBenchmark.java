package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.events.outbox.OutboxDispatcher;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.observability.SchedulerMetrics;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: appends {@code events} envelopes spread over {@code runs} runs to the JDBC outbox (one transaction
 * each, as {@code OutboxNotifier} does) and delivers them through the dispatcher to a sink that accepts at once;
 * prints appends/s and deliveries/s on SQLite and on PostgreSQL (127.0.0.1:5432, own schema).
 * Usage: {@code scheduler-adapters-jdbc/run-benchmark.sh [events=2000] [runs=20]}.
 */
public final class OutboxBenchmark {
    private OutboxBenchmark() {}

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (TestDatabase sqlite = TestDatabase.sqlite(OutboxBenchmark.class)) {
            measure("sqlite", sqlite, events, runs);
        }
        try (TestDatabase pg = TestDatabase.postgres(OutboxBenchmark.class)) {
            measure("postgresql", pg, events, runs);
        }
    }

    private static void measure(String name, TestDatabase db, int events, int runs) {
        JdbcOutboxStore outbox = new JdbcOutboxStore(db.fresh());
        long t0 = System.nanoTime();
        for (int i = 0; i < events; i++) {
            String runId = "run-" + (i % runs);
            outbox.append(runId, new EventEnvelope("e" + i, "scheduler.rescan.delta", 1, "acme", Instant.now(), "c",
                    "scheduler.rescan.delta:" + runId + ":" + i, Map.of("runId", runId, "newFindings", i)), Instant.now());
        }
        double appendSeconds = (System.nanoTime() - t0) / 1e9;
        AtomicLong delivered = new AtomicLong();
        EventSink sink = new EventSink() {
            public String name() { return "count"; }

            public void deliver(OutboxEntry entry) { delivered.incrementAndGet(); }
        };
        OutboxDispatcher d = new OutboxDispatcher(outbox, List.of(sink), SchedulerMetrics.NONE, Clock.systemUTC(),
                OutboxDispatcher.Settings.DEFAULT);
        long t1 = System.nanoTime();
        int rounds = 0;
        while (d.dispatchOnce() > 0) rounds++;
        double deliverSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("%-10s %d events over %d runs: append %.0f/s (%.2f s), deliver %.0f/s (%.2f s, %d rounds), delivered %d%n",
                name, events, runs, events / appendSeconds, appendSeconds, delivered.get() / deliverSeconds, deliverSeconds,
                rounds, delivered.get());
    }
}
