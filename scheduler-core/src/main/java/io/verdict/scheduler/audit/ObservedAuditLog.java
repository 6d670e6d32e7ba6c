package io.verdict.scheduler.audit;

import io.verdict.scheduler.runs.Page;

import java.util.List;
import java.util.Objects;

/** An audit log that tells a listener of each record after the log has stored it; reads pass straight through. */
public final class ObservedAuditLog implements AuditLog {
    private static final System.Logger LOG = System.getLogger("scheduler.audit");

    private final AuditLog log;
    private final AuditListener listener;

    public ObservedAuditLog(AuditLog log, AuditListener listener) {
        this.log = Objects.requireNonNull(log, "log");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void append(AuditRecord record) {
        log.append(record);
        try {
            listener.recorded(record);
        } catch (RuntimeException e) {
            // The action and its record are already stored: a failing observer (a log appender) must not turn that
            // success into an error the caller would retry.
            LOG.log(System.Logger.Level.WARNING, "audit listener failed: " + e);
        }
    }

    @Override
    public List<AuditRecord> recent(String tenantId, int limit) {
        return log.recent(tenantId, limit);
    }

    @Override
    public Page<AuditRecord> query(AuditQuery query) {
        return log.query(query);
    }
}
