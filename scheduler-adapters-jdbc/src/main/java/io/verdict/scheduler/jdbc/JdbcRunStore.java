package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunCursor;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Trigger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Runs in {@code runs}. An update is one statement filtered on id and the previous version, so a lost race changes
 * nothing and surfaces as {@link ConcurrentUpdateException}. Listings sort on (created_ms desc, id desc) and continue
 * after the cursor with a range predicate (never OFFSET), so a page costs the same at any depth.
 */
public final class JdbcRunStore implements RunStore {
    private final JdbcDatabase db;

    public JdbcRunStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void insert(Run run) {
        int n = db.transaction(c -> Sql.update(c, "INSERT INTO runs (id, tenant_id, schedule_id, trigger_kind, state, "
                        + "active, created_ms, error_code, policy_revision, version, doc) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                        + "ON CONFLICT (id) DO NOTHING", run.id(), run.tenantId(), run.scheduleId(), run.trigger().wire(),
                run.state().wire(), !run.state().isTerminal(), run.createdAt().toEpochMilli(), errorCode(run),
                policyRevision(run), run.version(), RunCodecs.run(run).json()));
        if (n == 0) throw new ConcurrentUpdateException("run " + run.id() + " exists");
    }

    @Override
    public Optional<Run> find(String runId) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM runs WHERE id = ?",
                rs -> RunCodecs.run(Doc.parse(rs.getString(1))), runId));
    }

    @Override
    public Run update(Run updated) {
        int n = db.transaction(c -> Sql.update(c, "UPDATE runs SET tenant_id = ?, schedule_id = ?, trigger_kind = ?, "
                        + "state = ?, active = ?, created_ms = ?, error_code = ?, policy_revision = ?, version = ?, doc = ? "
                        + "WHERE id = ? AND version = ?", updated.tenantId(), updated.scheduleId(),
                updated.trigger().wire(), updated.state().wire(), !updated.state().isTerminal(),
                updated.createdAt().toEpochMilli(), errorCode(updated), policyRevision(updated), updated.version(),
                RunCodecs.run(updated).json(), updated.id(), updated.version() - 1));
        if (n == 0) throw new ConcurrentUpdateException("run " + updated.id());
        return updated;
    }

    @Override
    public Page<Run> list(RunFilter f, String cursor, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        in(where, params, "tenant_id", f.tenantIds());
        in(where, params, "trigger_kind", f.triggers().stream().map(Trigger::wire).toList());
        in(where, params, "state", f.states().stream().map(RunState::wire).toList());
        if (f.scheduleId() != null) {
            where.append(" AND schedule_id = ?");
            params.add(f.scheduleId());
        }
        if (f.from() != null) {
            where.append(" AND created_ms >= ?");
            params.add(f.from().toEpochMilli());
        }
        if (f.to() != null) {
            where.append(" AND created_ms < ?");
            params.add(f.to().toEpochMilli());
        }
        if (f.errorCode() != null) {
            where.append(" AND error_code = ?");
            params.add(f.errorCode().name());
        }
        if (f.policyRevision() != null) {
            where.append(" AND policy_revision = ?");
            params.add(f.policyRevision());
        }
        if (cursor != null) {
            RunCursor after = RunCursor.decode(cursor);
            long at = after.createdAt().toEpochMilli();
            where.append(" AND (created_ms < ? OR (created_ms = ? AND id < ?))");
            params.add(at);
            params.add(at);
            params.add(after.id());
        }
        params.add(limit + 1);
        // One extra row tells whether another page exists, so the last page never carries a dead-end cursor.
        List<Run> items = db.transaction(c -> Sql.list(c, "SELECT doc FROM runs" + where
                        + " ORDER BY created_ms DESC, id DESC LIMIT ?", rs -> RunCodecs.run(Doc.parse(rs.getString(1))),
                params.toArray()));
        if (items.size() <= limit) return new Page<>(items, null);
        List<Run> page = items.subList(0, limit);
        return new Page<>(page, RunCursor.of(page.get(limit - 1)).encode());
    }

    private static void in(StringBuilder where, List<Object> params, String column, Collection<String> values) {
        if (values.isEmpty()) return;
        where.append(" AND ").append(column).append(" IN (");
        int i = 0;
        for (String v : values.stream().sorted().toList()) {
            where.append(i++ == 0 ? "?" : ", ?");
            params.add(v);
        }
        where.append(')');
    }

    @Override
    public List<Run> active() {
        return db.transaction(c -> Sql.list(c, "SELECT doc FROM runs WHERE active = 1 ORDER BY created_ms, id",
                rs -> RunCodecs.run(Doc.parse(rs.getString(1)))));
    }

    private static String errorCode(Run r) {
        return r.error() == null || r.error().code() == null ? null : r.error().code().name();
    }

    private static String policyRevision(Run r) {
        return r.reason() == null ? null : r.reason().policyRevision();
    }
}
