package io.verdict.scheduler.mongo;

import io.verdict.scheduler.execution.VerdictStore;
import io.verdict.scheduler.contracts.VerdictStoreContract;
import org.junit.jupiter.api.AfterAll;

class MongoVerdictStoreContractTest extends VerdictStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoVerdictStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected VerdictStore newStore() {
        return new MongoVerdictStore(DB.fresh());
    }
}
