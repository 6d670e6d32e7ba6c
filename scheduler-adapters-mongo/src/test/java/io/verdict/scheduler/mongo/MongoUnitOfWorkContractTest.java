package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.contracts.UnitOfWorkContract;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * UnitOfWorkContract on MongoDB without transactions: the run write is held back to the end of the block and carries
 * the block's envelopes in the same single-document replace.
 */
class MongoUnitOfWorkContractTest extends UnitOfWorkContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoUnitOfWorkContractTest.class);

    private MongoStorage storage;

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected Fixture newFixture() {
        storage = new MongoStorage(DB.fresh(), Clock.systemUTC());
        return new Fixture(storage.unitOfWork(), storage.storage().runs(), storage.outbox(), true);
    }

    /**
     * A writer died after its run replace and before copying the envelopes it carried: the next storage opened on the
     * database (a restart) copies them at start; the next write of that run by anyone relays them first, in order.
     */
    @Test
    void envelopesACrashLeftInTheRunDocumentAreRelayedOnceAtStart() {
        MongoDatabase db = storage.database();
        Run run = queued("run-7");
        storage.storage().runs().insert(run);
        Run done = run.transition(RunState.COMPLETED, T0.plusSeconds(1), null);
        // What the unit of work's replace leaves when the process dies right after it.
        new MongoRunStore(db).write(done, run.version(), List.of(
                new MongoUnitOfWork.Staged(envelope("run-7", "scheduler.run.completed"), T0),
                new MongoUnitOfWork.Staged(envelope("run-7", "scheduler.report.ready"), T0)));
        assertThat(storage.outbox().after("acme", 0, 10)).isEmpty();

        MongoStorage restarted = new MongoStorage(db, Clock.systemUTC());
        new MongoStorage(db, Clock.systemUTC()); // and once more: nothing is copied twice

        assertThat(restarted.outbox().after("acme", 0, 10)).extracting(e -> e.envelope().idempotencyKey())
                .containsExactly("scheduler.run.completed:run-7", "scheduler.report.ready:run-7");
        assertThat(db.getCollection(CollectionNames.RUNS).find(new Document("_id", "run-7")).first())
                .doesNotContainKey(MongoRunStore.OUTBOX_PENDING);
        assertThat(restarted.storage().runs().find("run-7").orElseThrow().state()).isEqualTo(RunState.COMPLETED);
    }

    @Test
    void aLaterWriteOfTheRunRelaysLeftEnvelopesFirst() {
        MongoDatabase db = storage.database();
        Run run = queued("run-8");
        storage.storage().runs().insert(run);
        Run running = run.transition(RunState.RUNNING, T0.plusSeconds(1), null);
        new MongoRunStore(db).write(running, run.version(), List.of(
                new MongoUnitOfWork.Staged(envelope("run-8", "scheduler.run.started"), T0)));

        storage.unitOfWork().run(() -> {
            storage.storage().runs().update(running.transition(RunState.COMPLETED, T0.plusSeconds(2), null));
            storage.outbox().append("run-8", envelope("run-8", "scheduler.run.completed"), T0);
        });

        List<OutboxEntry> feed = storage.outbox().after("acme", 0, 10);
        assertThat(feed).extracting(e -> e.envelope().idempotencyKey())
                .containsExactly("scheduler.run.started:run-8", "scheduler.run.completed:run-8");
    }
}
