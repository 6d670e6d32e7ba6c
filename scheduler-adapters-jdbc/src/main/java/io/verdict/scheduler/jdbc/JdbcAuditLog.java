package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.audit.AuditCursor;
import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditQuery;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.runs.Page;

import java.util.ArrayList;
import java.util.List;

/**
 * Append-only {@code audit}; newest first is (occurred_ms desc, seq desc), seq keeping the append order.
 *
 * <p>A query walks the {@code (tenant_id, occurred_ms, seq)} index backwards from the cursor (a range predicate,
 * never OFFSET, so a page costs the same at any depth); actor, action and target are matched on the stored JSON
 * document rather than on columns of their own: the audit log grows with manage actions (a few per run), not with
 * images or findings, so the residual filter stays cheap and the schema needs no V4 (an old snapshot imports as is).
 */
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

    private record Row(long occurredMs, long seq, AuditRecord record) {}

    @Override
    public Page<AuditRecord> query(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT occurred_ms, seq, doc FROM audit WHERE tenant_id = ?");
        List<Object> params = new ArrayList<>(List.of(q.tenantId()));
        field(sql, params, "actor", q.actor());
        field(sql, params, "action", q.action());
        field(sql, params, "target", q.target());
        if (q.from() != null) {
            sql.append(" AND occurred_ms >= ?");
            params.add(q.from().toEpochMilli());
        }
        if (q.to() != null) {
            sql.append(" AND occurred_ms < ?");
            params.add(q.to().toEpochMilli());
        }
        AuditCursor after = q.after();
        if (after != null) {
            sql.append(" AND (occurred_ms < ? OR (occurred_ms = ? AND seq < ?))");
            params.add(after.occurredMs());
            params.add(after.occurredMs());
            params.add(after.numericPosition());
        }
        // One extra row tells whether another page exists, so the last page never carries a dead-end cursor.
        sql.append(" ORDER BY occurred_ms DESC, seq DESC LIMIT ?");
        params.add(q.limit() + 1);
        List<Row> rows = db.transaction(c -> Sql.list(c, sql.toString(),
                rs -> new Row(rs.getLong(1), rs.getLong(2), CatalogCodecs.audit(Doc.parse(rs.getString(3)))),
                params.toArray()));
        List<AuditRecord> items = new ArrayList<>(Math.min(rows.size(), q.limit()));
        for (int i = 0; i < Math.min(rows.size(), q.limit()); i++) items.add(rows.get(i).record());
        if (rows.size() <= q.limit()) return new Page<>(items, null);
        Row last = rows.get(q.limit() - 1);
        return new Page<>(items, new AuditCursor(last.occurredMs(), Long.toString(last.seq())).encode());
    }

    /** An exact match on a top-level string of the stored document, in the engine's JSON syntax. */
    private void field(StringBuilder sql, List<Object> params, String name, String value) {
        if (value == null) return;
        sql.append(db.dialect() == JdbcDialect.POSTGRESQL
                ? " AND (doc::jsonb ->> '" + name + "') = ?"
                : " AND json_extract(doc, '$." + name + "') = ?");
        params.add(value);
    }
}
