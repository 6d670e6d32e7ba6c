package io.verdict.scheduler.mongo;

import io.verdict.scheduler.contracts.AdvisoryCatalogStoreContract;
import io.verdict.scheduler.intake.AdvisoryCatalogStore;
import org.junit.jupiter.api.AfterAll;

class MongoAdvisoryCatalogStoreContractTest extends AdvisoryCatalogStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoAdvisoryCatalogStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected AdvisoryCatalogStore newStore() {
        return new MongoAdvisoryCatalogStore(DB.fresh());
    }
}
