package io.verdict.scheduler.mongo;

import io.verdict.scheduler.runs.DeltaStore;
import io.verdict.scheduler.contracts.DeltaStoreContract;
import org.junit.jupiter.api.AfterAll;

class MongoDeltaStoreContractTest extends DeltaStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoDeltaStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected DeltaStore newStore() {
        return new MongoDeltaStore(DB.fresh());
    }
}
