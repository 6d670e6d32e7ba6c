package io.verdict.scheduler.mongo;

import io.verdict.scheduler.schedules.ScheduleStore;
import io.verdict.scheduler.contracts.ScheduleStoreContract;
import org.junit.jupiter.api.AfterAll;

class MongoScheduleStoreContractTest extends ScheduleStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoScheduleStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected ScheduleStore newStore() {
        return new MongoScheduleStore(DB.fresh());
    }
}
