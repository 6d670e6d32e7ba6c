package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditCursor;
import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditQuery;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.runs.Page;

import java.time.Instant;
import java.util.Objects;

/**
 * Reads the audit log: who did what to which target, when. Always confined to the caller's tenant (the adapter passes
 * the authenticated tenant, never one from the request), newest first, cursor-paged. Read-only.
 */
public final class QueryAudit {
    private final AuditLog log;

    public QueryAudit(AuditLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * One page. Null filters mean "any"; a null {@code limit} is {@link AuditQuery#DEFAULT_LIMIT}. Bad values raise a
     * {@code ValidationException} naming the field ({@code actor}, {@code action}, {@code target}, {@code to},
     * {@code limit}, {@code cursor}).
     */
    public Page<AuditRecord> list(String tenantId, String actor, String action, String target, Instant from,
                                  Instant to, String cursor, Integer limit) {
        AuditCursor after = AuditCursor.decode(cursor);
        return list(new AuditQuery(tenantId, actor, action, target, from, to, after,
                limit == null ? AuditQuery.DEFAULT_LIMIT : limit));
    }

    public Page<AuditRecord> list(AuditQuery query) {
        return log.query(Objects.requireNonNull(query, "query"));
    }
}
