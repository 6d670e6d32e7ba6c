package io.verdict.scheduler.app.logging;

import io.verdict.scheduler.audit.AuditListener;
import io.verdict.scheduler.audit.AuditRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One log line per manage action — the audit record as it is stored — with {@code tenantId}, {@code correlationId},
 * {@code actor}, {@code action} and {@code target} as MDC fields (JSON keys), and {@code runId} when the target is a
 * run. Metadata stays in the audit log (readable at {@code GET /api/v1/scheduler/audit}): it may hold reasons typed
 * by operators, which a log pipeline need not carry.
 */
public final class AuditLogLines implements AuditListener {
    private static final Logger LOG = LoggerFactory.getLogger("scheduler.audit");
    private static final String[] KEYS = {"tenantId", "correlationId", "actor", "action", "target", "runId"};

    @Override
    public void recorded(AuditRecord r) {
        if (!LOG.isInfoEnabled()) return;
        // Keep what the thread already had (a request's own MDC) and put it back afterwards.
        String[] saved = new String[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) saved[i] = MDC.get(KEYS[i]);
        try {
            put("tenantId", r.tenantId());
            put("correlationId", r.correlationId());
            put("actor", r.actor());
            put("action", r.action());
            put("target", r.target());
            if (r.target() != null && r.target().startsWith("run:")) put("runId", r.target());
            LOG.info("audit {} {} by {}", r.action(), r.target() == null ? "-" : r.target(), r.actor());
        } finally {
            for (int i = 0; i < KEYS.length; i++) {
                if (saved[i] == null) MDC.remove(KEYS[i]);
                else MDC.put(KEYS[i], saved[i]);
            }
        }
    }

    private static void put(String key, String value) {
        if (value == null) MDC.remove(key);
        else MDC.put(key, value);
    }
}
