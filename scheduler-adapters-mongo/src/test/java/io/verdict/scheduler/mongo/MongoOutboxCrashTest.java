package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.SchedulerBuilder;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.contracts.OutboxCrashScenario;
import io.verdict.scheduler.events.outbox.OutboxStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;

/**
 * {@link OutboxCrashScenario} on MongoDB: the "death" inside the unit of work comes before the held-back run write,
 * so neither is stored; a restart is a fresh {@link MongoStorage} on the same database.
 */
class MongoOutboxCrashTest extends OutboxCrashScenario {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoOutboxCrashTest.class);

    private MongoDatabase db;

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @BeforeEach
    void emptyDatabase() {
        db = DB.fresh();
    }

    @Override
    protected Process start() {
        MongoStorage mongo = new MongoStorage(db, Clock.systemUTC());
        return new Process() {
            @Override
            public SchedulerBuilder builder() {
                return Scheduler.builder().storage(mongo.storage()).queue(mongo.segmentQueue())
                        .locks(mongo.lockService()).tickLedger(mongo.tickLedger()).unitOfWork(mongo.unitOfWork());
            }

            @Override
            public OutboxStore outbox() {
                return mongo.outbox();
            }

            @Override
            public Storage storage() {
                return mongo.storage();
            }

            @Override
            public void close() {
                mongo.close();
            }
        };
    }
}
