package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.AuditLogContract;
import io.verdict.scheduler.audit.AuditLog;

class InMemoryAuditLogContractTest extends AuditLogContract {
    @Override
    protected AuditLog newLog() {
        return new InMemoryAuditLog();
    }
}
