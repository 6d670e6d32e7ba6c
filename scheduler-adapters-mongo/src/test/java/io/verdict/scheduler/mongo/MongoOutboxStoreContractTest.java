package io.verdict.scheduler.mongo;

import io.verdict.scheduler.events.outbox.OutboxStore;
import io.verdict.scheduler.contracts.OutboxStoreContract;
import org.junit.jupiter.api.AfterAll;

class MongoOutboxStoreContractTest extends OutboxStoreContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoOutboxStoreContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected OutboxStore newOutbox() {
        return new MongoOutboxStore(DB.fresh());
    }
}
