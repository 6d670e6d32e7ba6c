package io.verdict.scheduler.mongo;

import io.verdict.scheduler.contracts.ProgressStoreContract;
import io.verdict.scheduler.progress.ProgressStore;
import org.junit.jupiter.api.AfterAll;

class MongoProgressStoreContractTest extends ProgressStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoProgressStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected ProgressStore newStore() {
        return new MongoProgressStore(DB.fresh());
    }
}
