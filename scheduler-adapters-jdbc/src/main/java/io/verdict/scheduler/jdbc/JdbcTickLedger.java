package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.schedules.TickDecision;
import io.verdict.scheduler.schedules.TickLedger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cron tick decisions ({@code tick_decisions}, keyed tenant, schedule and fire time) and per-schedule cursors
 * ({@code tick_cursors}). The key makes "first decision for a fire time wins" hold across instances. Replace and
 * remove compare the stored canonical JSON with the expected decision's, which is equality of every field. The
 * cursor only moves forward.
 */
public final class JdbcTickLedger implements TickLedger {
    private static final String INSERT = "INSERT INTO tick_decisions (tenant_id, schedule_id, fire_ms, doc) "
            + "VALUES (?,?,?,?) ON CONFLICT (tenant_id, schedule_id, fire_ms) DO NOTHING";

    private final JdbcDatabase db;

    public JdbcTickLedger(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public boolean record(TickDecision d) {
        return db.transaction(c -> Sql.update(c, INSERT, row(d))) == 1;
    }

    /** One transaction, one batch: fire times already decided are skipped by the key, the others stored. */
    @Override
    public List<TickDecision> recordAll(List<TickDecision> batch) {
        if (batch.isEmpty()) return List.of();
        List<Object[]> rows = new ArrayList<>(batch.size());
        for (TickDecision d : batch) rows.add(row(d));
        int[] counts = db.transaction(c -> Sql.batch(c, INSERT, rows));
        List<TickDecision> stored = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) if (counts[i] == 1) stored.add(batch.get(i));
        return stored;
    }

    private static Object[] row(TickDecision d) {
        return new Object[] {d.tenantId(), d.scheduleId(), d.fireTime().toEpochMilli(), CatalogCodecs.tick(d).json()};
    }

    @Override
    public boolean replace(TickDecision expected, TickDecision next) {
        if (!expected.tenantId().equals(next.tenantId()) || !expected.scheduleId().equals(next.scheduleId())
                || !expected.fireTime().equals(next.fireTime())) {
            throw new IllegalArgumentException("replace must keep the decision's key");
        }
        return db.transaction(c -> Sql.update(c, "UPDATE tick_decisions SET doc = ? WHERE tenant_id = ? AND schedule_id = ? "
                        + "AND fire_ms = ? AND doc = ?", CatalogCodecs.tick(next).json(), expected.tenantId(),
                expected.scheduleId(), expected.fireTime().toEpochMilli(), CatalogCodecs.tick(expected).json())) == 1;
    }

    @Override
    public boolean remove(TickDecision expected) {
        return db.transaction(c -> Sql.update(c, "DELETE FROM tick_decisions WHERE tenant_id = ? AND schedule_id = ? "
                        + "AND fire_ms = ? AND doc = ?", expected.tenantId(), expected.scheduleId(),
                expected.fireTime().toEpochMilli(), CatalogCodecs.tick(expected).json())) == 1;
    }

    @Override
    public Optional<TickDecision> find(String tenantId, String scheduleId, Instant fireTime) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM tick_decisions WHERE tenant_id = ? AND schedule_id = ? "
                        + "AND fire_ms = ?", rs -> CatalogCodecs.tick(Doc.parse(rs.getString(1))), tenantId, scheduleId,
                fireTime.toEpochMilli())).filter(d -> d.fireTime().equals(fireTime));
    }

    @Override
    public List<TickDecision> list(String tenantId, String scheduleId, Instant before, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        return db.transaction(c -> before == null
                ? Sql.list(c, "SELECT doc FROM tick_decisions WHERE tenant_id = ? AND schedule_id = ? "
                        + "ORDER BY fire_ms DESC LIMIT ?", rs -> CatalogCodecs.tick(Doc.parse(rs.getString(1))),
                tenantId, scheduleId, limit)
                : Sql.list(c, "SELECT doc FROM tick_decisions WHERE tenant_id = ? AND schedule_id = ? AND fire_ms < ? "
                        + "ORDER BY fire_ms DESC LIMIT ?", rs -> CatalogCodecs.tick(Doc.parse(rs.getString(1))),
                tenantId, scheduleId, before.toEpochMilli(), limit));
    }

    @Override
    public Optional<Instant> lastFireTime(String tenantId, String scheduleId) {
        return db.transaction(c -> Sql.one(c, "SELECT last_fire_ms FROM tick_cursors WHERE tenant_id = ? AND schedule_id = ?",
                rs -> Instant.ofEpochMilli(rs.getLong(1)), tenantId, scheduleId));
    }

    @Override
    public void advance(String tenantId, String scheduleId, Instant fireTime) {
        db.transaction(c -> Sql.update(c, "INSERT INTO tick_cursors (tenant_id, schedule_id, last_fire_ms) VALUES (?,?,?) "
                        + "ON CONFLICT (tenant_id, schedule_id) DO UPDATE SET last_fire_ms = CASE "
                        + "WHEN excluded.last_fire_ms > tick_cursors.last_fire_ms THEN excluded.last_fire_ms "
                        + "ELSE tick_cursors.last_fire_ms END", tenantId, scheduleId, fireTime.toEpochMilli()));
    }
}
