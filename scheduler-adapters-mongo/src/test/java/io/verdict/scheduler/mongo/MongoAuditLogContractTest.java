package io.verdict.scheduler.mongo;

import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.contracts.AuditLogContract;
import org.junit.jupiter.api.AfterAll;

class MongoAuditLogContractTest extends AuditLogContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoAuditLogContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected AuditLog newLog() {
        return new MongoAuditLog(DB.fresh());
    }
}
