package io.verdict.scheduler.audit;

import java.util.List;

/** Append-only log of manage actions. */
public interface AuditLog {
    void append(AuditRecord record);

    /** Newest first. */
    List<AuditRecord> recent(String tenantId, int limit);
}
