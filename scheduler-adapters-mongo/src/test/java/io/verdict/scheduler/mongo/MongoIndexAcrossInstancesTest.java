package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.contracts.TwoInstancesScenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;

/** Two scheduler instances, each with its own MongoStorage on one database, share image changes through the store. */
class MongoIndexAcrossInstancesTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoIndexAcrossInstancesTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    private static Scheduler scheduler(MongoStorage mongo, Clock clock, String instance) {
        return Scheduler.builder().clock(clock).seed(7).instanceId(instance)
                .storage(mongo.storage()).queue(mongo.segmentQueue()).locks(mongo.lockService())
                .tickLedger(mongo.tickLedger()).build();
    }

    @Test
    void anImageIndexedOrRemovedThroughOneInstanceReachesTheOthersPlanner() {
        MongoDatabase db = DB.fresh();
        Clock clock = new MongoServerClock(db);
        try (MongoStorage sa = new MongoStorage(db, clock); MongoStorage sb = new MongoStorage(db, clock);
             Scheduler a = scheduler(sa, clock, "a"); Scheduler b = scheduler(sb, clock, "b")) {
            TwoInstancesScenario.indexedAndRemovedImagesReachTheOtherInstance(a, b);
        }
    }
}
