package io.verdict.scheduler.mongo;

import io.verdict.scheduler.impact.ImageStore;
import io.verdict.scheduler.contracts.ImageStoreContract;
import org.junit.jupiter.api.AfterAll;

class MongoImageStoreContractTest extends ImageStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoImageStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected ImageStore newStore() {
        return new MongoImageStore(DB.fresh());
    }
}
