package io.verdict.scheduler.mongo;

import io.verdict.scheduler.schedules.TickLedger;
import io.verdict.scheduler.schedules.TickLedgerContract;
import org.junit.jupiter.api.AfterAll;

class MongoTickLedgerContractTest extends TickLedgerContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoTickLedgerContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected TickLedger ledger() {
        return new MongoTickLedger(DB.fresh());
    }
}
