package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.contracts.DyingOutbox;
import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.events.outbox.OutboxCounts;
import io.verdict.scheduler.events.outbox.OutboxDispatcher;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStore;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an operator would notice: the process dies between a run's state change and the envelope it causes. Here the
 * "death" is an exception thrown by the outbox append inside the unit of work (the JDBC transaction), on the SQLite
 * file of the embedded default; the "restart" reopens the file in a fresh storage and scheduler. Both or neither are
 * stored, and after the restart the completion envelope is delivered exactly once.
 */
class OutboxTransactionCrashTest {
    private static final OutboxDispatcher.Settings FAST = new OutboxDispatcher.Settings(5, Duration.ofMillis(10),
            Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(20), 100);

    @TempDir
    Path dir;

    @Test
    void aCrashBeforeTheCompletionEnvelopeLeavesTheRunUnfinishedAndTheRestartDeliversItOnce() throws Exception {
        Path file = dir.resolve("scheduler.db");
        Clock clock = Clock.systemUTC();
        String runId;
        List<String> deliveredBefore = new CopyOnWriteArrayList<>();
        try (JdbcDatabase db = JdbcDatabase.sqlite(file); JdbcStorage jdbc = new JdbcStorage(db, clock);
             Scheduler s = scheduler(jdbc, new DyingOutbox("scheduler.run.completed", jdbc.outbox()), deliveredBefore)) {
            TestEstate.images("acme", 12).forEach(s::indexImage);
            runId = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of("pkg:deb/debian/openssl@3.0.11-1"),
                    null)).run().id();
            var worker = s.newWorker("w");
            assertThatThrownBy(() -> {
                while (worker.runOnce()) { }
            }).hasMessageContaining("died");

            // Neither: the run is not completed, and no completion envelope is stored.
            assertThat(jdbc.storage().runs().find(runId).orElseThrow().state()).isEqualTo(RunState.RUNNING);
            assertThat(keys(jdbc.outbox())).contains("scheduler.run.started:" + runId)
                    .doesNotContain("scheduler.run.completed:" + runId);
        }

        List<String> delivered = new CopyOnWriteArrayList<>();
        try (JdbcDatabase db = JdbcDatabase.sqlite(file); JdbcStorage jdbc = recovered(db, clock);
             Scheduler s = scheduler(jdbc, jdbc.outbox(), delivered)) {
            s.repairReadModel(); // what idle workers do every 10 s: finishes runs whose last segment ended
            s.repairReadModel();
            assertThat(s.run("acme", runId).state()).isEqualTo(RunState.COMPLETED);
            awaitDelivered(jdbc.outbox());

            String completed = "scheduler.run.completed:" + runId;
            assertThat(delivered.stream().filter(completed::equals)).hasSize(1);
            assertThat(keys(jdbc.outbox()).stream().filter(completed::equals)).hasSize(1);
            // Every delta recorded before the crash has its envelope, once.
            long deltas = jdbc.storage().deltas().forRun(runId).size();
            assertThat(deltas).isPositive();
            assertThat(keys(jdbc.outbox()).stream().filter(k -> k.startsWith("scheduler.rescan.delta:" + runId)))
                    .hasSize((int) deltas).doesNotHaveDuplicates();
        }
    }

    private static Scheduler scheduler(JdbcStorage jdbc, OutboxStore outbox, List<String> delivered) {
        EventSink sink = new EventSink() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void deliver(OutboxEntry entry) {
                delivered.add(entry.envelope().idempotencyKey());
            }
        };
        return Scheduler.builder().seed(3).storage(jdbc.storage()).queue(jdbc.segmentQueue()).locks(jdbc.lockService())
                .tickLedger(jdbc.tickLedger()).unitOfWork(jdbc.unitOfWork()).segmentSize(4)
                .outbox(outbox, List.of(sink), FAST).build();
    }

    private static JdbcStorage recovered(JdbcDatabase db, Clock clock) {
        JdbcStorage jdbc = new JdbcStorage(db, clock);
        jdbc.recoverEmbedded(); // as the app does at start: the dead process's leases and locks are freed
        return jdbc;
    }

    private static List<String> keys(OutboxStore outbox) {
        return outbox.after("acme", 0, 1000).stream().map(e -> e.envelope().idempotencyKey()).toList();
    }

    private static void awaitDelivered(OutboxStore outbox) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until) {
            OutboxCounts c = outbox.counts();
            if (c.pending() == 0 && c.delivered() > 0) return;
            Thread.sleep(20);
        }
        throw new AssertionError("outbox not drained: " + outbox.counts());
    }
}
