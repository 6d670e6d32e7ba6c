package io.verdict.scheduler.mongo;

import io.verdict.scheduler.contracts.PolicyRunStoreContract;
import io.verdict.scheduler.policy.PolicyRunStore;
import org.junit.jupiter.api.AfterAll;

class MongoPolicyRunStoreContractTest extends PolicyRunStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoPolicyRunStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected PolicyRunStore newStore() {
        return new MongoPolicyRunStore(DB.fresh());
    }
}
