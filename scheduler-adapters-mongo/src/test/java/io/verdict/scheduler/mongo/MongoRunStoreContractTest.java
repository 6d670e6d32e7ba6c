package io.verdict.scheduler.mongo;

import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.contracts.RunStoreContract;
import org.junit.jupiter.api.AfterAll;

class MongoRunStoreContractTest extends RunStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoRunStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected RunStore newStore() {
        return new MongoRunStore(DB.fresh());
    }
}
