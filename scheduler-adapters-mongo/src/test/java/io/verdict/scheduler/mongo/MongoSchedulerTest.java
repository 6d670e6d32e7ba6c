package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.intake.IntakeResult;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole scheduler on MongoDB alone (storage, queue, locks): a run completes, and a restart keeps it all. */
class MongoSchedulerTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoSchedulerTest.class);
    private static final Set<String> OPENSSL = Set.of("pkg:deb/debian/openssl@3.0.11-1");

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    private static Scheduler scheduler(MongoStorage mongo, Clock clock, String instance) {
        return Scheduler.builder().clock(clock).seed(7).segmentSize(8).instanceId(instance)
                .storage(mongo.storage()).queue(mongo.segmentQueue()).locks(mongo.lockService())
                .tickLedger(mongo.tickLedger()).unitOfWork(mongo.unitOfWork())
                .outbox(mongo.outbox(), List.of(), io.verdict.scheduler.events.outbox.OutboxDispatcher.Settings.DEFAULT)
                .build();
    }

    @Test
    void advisoryRunCompletesOnMongoAndIsStillThereAfterARestart() throws Exception {
        MongoDatabase db = DB.fresh();
        Clock clock = new MongoServerClock(db);
        IntakeEvent advisory = new IntakeEvent("evt-1", IntakeEvent.Source.CONCELIER, "acme", OPENSSL, Set.of(),
                Set.of(), "export-1", null);
        String runId;
        RunStats stats;
        try (MongoStorage mongo = new MongoStorage(db, clock, Duration.ofMillis(50));
             Scheduler scheduler = scheduler(mongo, clock, "node-a")) {
            for (ImageRecord image : TestEstate.images("acme", 60)) scheduler.indexImage(image);
            scheduler.startWorkers(3);

            IntakeResult result = scheduler.intake(advisory);
            runId = result.runId().orElseThrow();
            Run run = scheduler.awaitTerminal("acme", runId, Duration.ofSeconds(30));

            assertThat(run.state()).isEqualTo(RunState.COMPLETED);
            stats = scheduler.stats(run);
            assertThat(stats.deduped()).isEqualTo(30); // every even image has openssl
            assertThat(stats.completed()).isEqualTo(30);
            assertThat(stats.failed()).isZero();
            assertThat(run.shardCount()).isEqualTo(4);
            assertThat(scheduler.segments(run)).allMatch(s -> s.state().isTerminal() && s.fencingToken() > 0);
            assertThat(scheduler.deltas(run)).hasSize(stats.deltas());
            assertThat(mongo.segmentQueue().depth()).isEmpty();

            List<RunEventRecord> events = mongo.storage().events().after(runId, 0, 1000);
            assertThat(events).extracting(RunEventRecord::seq).doesNotHaveDuplicates().isSorted();
            assertThat(events).extracting(r -> r.event() instanceof RunEvent.StateChanged sc ? sc.state() : null)
                    .contains(RunState.QUEUED, RunState.RUNNING, RunState.COMPLETED);
        }

        try (MongoStorage mongo = new MongoStorage(db, clock, Duration.ofMillis(50));
             Scheduler restarted = scheduler(mongo, clock, "node-b")) {
            assertThat(restarted.indexedImages("acme")).as("impact index rebuilt from stored SBOMs").isEqualTo(60);
            Run run = restarted.run("acme", runId);
            assertThat(run.state()).isEqualTo(RunState.COMPLETED);
            assertThat(restarted.stats(run)).isEqualTo(stats);
            assertThat(restarted.runs(RunFilter.tenant("acme"), null, 10).items()).extracting(Run::id).containsExactly(runId);
            assertThat(restarted.intake(advisory).duplicate()).as("intake remembers the event").isTrue();
        }
    }
}
