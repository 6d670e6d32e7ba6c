package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Schedules in {@code schedules}, keyed (tenant, id); soft-deleted ones keep their row. Listings are sorted here so
 * unnamed schedules come last exactly as in the in-memory store (a tenant has few schedules).
 */
public final class JdbcScheduleStore implements ScheduleStore {
    private static final Comparator<Schedule> BY_NAME_THEN_ID =
            Comparator.comparing(Schedule::name, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(Schedule::id);
    private static final Comparator<Schedule> BY_TENANT_THEN_ID =
            Comparator.comparing(Schedule::tenantId).thenComparing(Schedule::id);

    private final JdbcDatabase db;

    public JdbcScheduleStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void insert(Schedule s) {
        int n = db.transaction(c -> Sql.update(c, "INSERT INTO schedules (tenant_id, id, enabled, deleted, version, doc) "
                        + "VALUES (?,?,?,?,?,?) ON CONFLICT (tenant_id, id) DO NOTHING", s.tenantId(), s.id(),
                s.enabled(), s.deletedAt() != null, s.version(), CatalogCodecs.schedule(s).json()));
        if (n == 0) throw new ConcurrentUpdateException("schedule " + s.id() + " exists");
    }

    @Override
    public Optional<Schedule> find(String tenantId, String id) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM schedules WHERE tenant_id = ? AND id = ?",
                rs -> CatalogCodecs.schedule(Doc.parse(rs.getString(1))), tenantId, id));
    }

    @Override
    public Schedule update(Schedule s) {
        int n = db.transaction(c -> Sql.update(c, "UPDATE schedules SET enabled = ?, deleted = ?, version = ?, doc = ? "
                        + "WHERE tenant_id = ? AND id = ? AND version = ?", s.enabled(), s.deletedAt() != null,
                s.version(), CatalogCodecs.schedule(s).json(), s.tenantId(), s.id(), s.version() - 1));
        if (n == 0) throw new ConcurrentUpdateException("schedule " + s.id());
        return s;
    }

    @Override
    public List<Schedule> list(String tenantId) {
        return sorted("SELECT doc FROM schedules WHERE tenant_id = ? AND deleted = 0", BY_NAME_THEN_ID, tenantId);
    }

    @Override
    public List<Schedule> enabled() {
        return sorted("SELECT doc FROM schedules WHERE enabled = 1 AND deleted = 0", BY_TENANT_THEN_ID);
    }

    private List<Schedule> sorted(String sql, Comparator<Schedule> order, Object... params) {
        List<Schedule> out = new ArrayList<>(db.transaction(c -> Sql.list(c, sql,
                rs -> CatalogCodecs.schedule(Doc.parse(rs.getString(1))), params)));
        out.sort(order);
        return out;
    }
}
