package io.verdict.scheduler.audit;

import io.verdict.scheduler.runs.Page;

import java.util.List;

/** Append-only log of manage actions. */
public interface AuditLog {
    void append(AuditRecord record);

    /** Newest first. */
    List<AuditRecord> recent(String tenantId, int limit);

    /**
     * The tenant's records matching {@code query}, newest first — (occurredAt ms desc, append order desc), a total
     * order — after {@code query.after()}, at most {@code query.limit()}. {@code nextCursor} is null on the last page;
     * following it never repeats or skips a record that existed when the first page was read.
     */
    Page<AuditRecord> query(AuditQuery query);
}
