package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditRecord;

import java.util.List;

/** Append-only {@code audit}; newest first is (occurred_ms desc, seq desc), seq keeping the append order. */
public final class JdbcAuditLog implements AuditLog {
    private final JdbcDatabase db;

    public JdbcAuditLog(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void append(AuditRecord r) {
        db.transaction(c -> Sql.update(c, "INSERT INTO audit (tenant_id, occurred_ms, doc) VALUES (?,?,?)",
                r.tenantId(), r.occurredAt() == null ? 0L : r.occurredAt().toEpochMilli(), CatalogCodecs.audit(r).json()));
    }

    @Override
    public List<AuditRecord> recent(String tenantId, int limit) {
        if (limit < 1) return List.of();
        return db.transaction(c -> Sql.list(c, "SELECT doc FROM audit WHERE tenant_id = ? "
                        + "ORDER BY occurred_ms DESC, seq DESC LIMIT ?",
                rs -> CatalogCodecs.audit(Doc.parse(rs.getString(1))), tenantId, limit));
    }
}
