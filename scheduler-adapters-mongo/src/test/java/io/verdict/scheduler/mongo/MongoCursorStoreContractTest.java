package io.verdict.scheduler.mongo;

import io.verdict.scheduler.intake.CursorStore;
import io.verdict.scheduler.contracts.CursorStoreContract;
import org.junit.jupiter.api.AfterAll;

class MongoCursorStoreContractTest extends CursorStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoCursorStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected CursorStore newStore() {
        return new MongoCursorStore(DB.fresh(), java.time.Clock.systemUTC());
    }
}
