package io.verdict.scheduler.contracts;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.SchedulerBuilder;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.events.outbox.OutboxDispatcher;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStore;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an operator would notice, on any durable adapter: the process dies between a run's state change and the
 * envelope it causes (here: the outbox append of {@code run.completed} throws, inside the unit of work). Both or
 * neither are stored — the run stays unfinished and no completion envelope exists — and after a restart (a fresh
 * storage and scheduler on the same store) the run completes and its completion envelope is delivered exactly once;
 * every delta recorded has exactly one envelope.
 */
public abstract class OutboxCrashScenario {
    private static final OutboxDispatcher.Settings FAST = new OutboxDispatcher.Settings(5, Duration.ofMillis(10),
            Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(20), 100);

    /** One process's view of the durable store: every {@link #start} opens the same store again. */
    protected interface Process extends AutoCloseable {
        /** A builder wired with the store's storage, queue, locks, tick ledger and unit of work. */
        SchedulerBuilder builder();

        OutboxStore outbox();

        Storage storage();
    }

    /** Opens the store (as a process start does, including its start-up recovery). */
    protected abstract Process start();

    @Test
    public void aCrashBeforeTheCompletionEnvelopeLeavesTheRunUnfinishedAndTheRestartDeliversItOnce() throws Exception {
        String runId;
        try (Process p = start();
             Scheduler s = scheduler(p, new DyingOutbox("scheduler.run.completed", p.outbox()), new CopyOnWriteArrayList<>())) {
            TestEstate.images("acme", 12).forEach(s::indexImage);
            runId = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of("pkg:deb/debian/openssl@3.0.11-1"),
                    null)).run().id();
            var worker = s.newWorker("w");
            assertThatThrownBy(() -> {
                while (worker.runOnce()) { }
            }).hasMessageContaining("died");

            assertThat(p.storage().runs().find(runId).orElseThrow().state()).isEqualTo(RunState.RUNNING);
            assertThat(keys(p.outbox())).contains("scheduler.run.started:" + runId)
                    .doesNotContain("scheduler.run.completed:" + runId);
        }

        List<String> delivered = new CopyOnWriteArrayList<>();
        try (Process p = start(); Scheduler s = scheduler(p, p.outbox(), delivered)) {
            s.repairReadModel(); // what idle workers do every 10 s: finishes runs whose last segment ended
            s.repairReadModel();
            assertThat(s.run("acme", runId).state()).isEqualTo(RunState.COMPLETED);
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((p.outbox().counts().pending() > 0 || delivered.isEmpty()) && System.nanoTime() < until) {
                Thread.sleep(20);
            }

            String completed = "scheduler.run.completed:" + runId;
            assertThat(delivered.stream().filter(completed::equals)).hasSize(1);
            assertThat(keys(p.outbox()).stream().filter(completed::equals)).hasSize(1);
            int deltas = p.storage().deltas().forRun(runId).size();
            assertThat(deltas).isPositive();
            assertThat(keys(p.outbox()).stream().filter(k -> k.startsWith("scheduler.rescan.delta:" + runId)))
                    .hasSize(deltas).doesNotHaveDuplicates();
        }
    }

    private static Scheduler scheduler(Process p, OutboxStore outbox, List<String> delivered) {
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
        return p.builder().seed(3).segmentSize(4).outbox(outbox, List.of(sink), FAST).build();
    }

    private static List<String> keys(OutboxStore outbox) {
        return outbox.after("acme", 0, 1000).stream().map(e -> e.envelope().idempotencyKey()).toList();
    }
}
