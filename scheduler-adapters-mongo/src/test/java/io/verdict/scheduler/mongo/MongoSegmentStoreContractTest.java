package io.verdict.scheduler.mongo;

import io.verdict.scheduler.runs.SegmentStore;
import io.verdict.scheduler.contracts.SegmentStoreContract;
import org.junit.jupiter.api.AfterAll;

class MongoSegmentStoreContractTest extends SegmentStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoSegmentStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected SegmentStore newStore() {
        return new MongoSegmentStore(DB.fresh());
    }
}
