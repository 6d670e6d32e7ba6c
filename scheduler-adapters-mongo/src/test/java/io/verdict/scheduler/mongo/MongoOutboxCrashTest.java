package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.contracts.DyingOutbox;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.events.outbox.OutboxDispatcher;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStore;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The process dies inside the unit of work of a run's completion (the outbox append throws): on MongoDB the held-back
 * run write never happens, so neither is stored; after a restart the run completes and its envelope is delivered once.
 */
class MongoOutboxCrashTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoOutboxCrashTest.class);
    private static final OutboxDispatcher.Settings FAST = new OutboxDispatcher.Settings(5, Duration.ofMillis(10),
            Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(20), 100);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Test
    void aCrashBeforeTheCompletionEnvelopeLeavesTheRunUnfinishedAndTheRestartDeliversItOnce() throws Exception {
        MongoDatabase db = DB.fresh();
        Clock clock = Clock.systemUTC();
        String runId;
        try (MongoStorage mongo = new MongoStorage(db, clock);
             Scheduler s = scheduler(mongo, new DyingOutbox("scheduler.run.completed", mongo.outbox()), List.of())) {
            TestEstate.images("acme", 12).forEach(s::indexImage);
            runId = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of("pkg:deb/debian/openssl@3.0.11-1"),
                    null)).run().id();
            var worker = s.newWorker("w");
            assertThatThrownBy(() -> {
                while (worker.runOnce()) { }
            }).hasMessageContaining("died");

            assertThat(mongo.storage().runs().find(runId).orElseThrow().state()).isEqualTo(RunState.RUNNING);
            assertThat(keys(mongo.outbox())).contains("scheduler.run.started:" + runId)
                    .doesNotContain("scheduler.run.completed:" + runId);
        }

        List<String> delivered = new CopyOnWriteArrayList<>();
        try (MongoStorage mongo = new MongoStorage(db, clock);
             Scheduler s = scheduler(mongo, mongo.outbox(), delivered)) {
            s.repairReadModel();
            s.repairReadModel();
            assertThat(s.run("acme", runId).state()).isEqualTo(RunState.COMPLETED);
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (mongo.outbox().counts().pending() > 0 && System.nanoTime() < until) Thread.sleep(20);

            String completed = "scheduler.run.completed:" + runId;
            assertThat(delivered.stream().filter(completed::equals)).hasSize(1);
            assertThat(keys(mongo.outbox()).stream().filter(completed::equals)).hasSize(1);
            int deltas = mongo.storage().deltas().forRun(runId).size();
            assertThat(deltas).isPositive();
            assertThat(keys(mongo.outbox()).stream().filter(k -> k.startsWith("scheduler.rescan.delta:" + runId)))
                    .hasSize(deltas).doesNotHaveDuplicates();
        }
    }

    private static Scheduler scheduler(MongoStorage mongo, OutboxStore outbox, List<String> delivered) {
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
        return Scheduler.builder().seed(3).storage(mongo.storage()).queue(mongo.segmentQueue())
                .locks(mongo.lockService()).tickLedger(mongo.tickLedger()).unitOfWork(mongo.unitOfWork())
                .segmentSize(4).outbox(outbox, List.of(sink), FAST).build();
    }

    private static List<String> keys(OutboxStore outbox) {
        return outbox.after("acme", 0, 1000).stream().map(e -> e.envelope().idempotencyKey()).toList();
    }
}
