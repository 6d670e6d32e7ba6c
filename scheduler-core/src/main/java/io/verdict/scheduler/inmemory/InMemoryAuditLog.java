package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditRecord;

import java.util.ArrayList;
import java.util.List;

public final class InMemoryAuditLog implements AuditLog {
    private final List<AuditRecord> records = new ArrayList<>();

    @Override
    public synchronized void append(AuditRecord record) {
        records.add(record);
    }

    @Override
    public synchronized List<AuditRecord> recent(String tenantId, int limit) {
        List<AuditRecord> out = new ArrayList<>();
        for (int i = records.size() - 1; i >= 0 && out.size() < limit; i--) {
            if (records.get(i).tenantId().equals(tenantId)) out.add(records.get(i));
        }
        return out;
    }
}
