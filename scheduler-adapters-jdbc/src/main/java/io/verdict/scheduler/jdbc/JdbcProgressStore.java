package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.progress.Backlog;
import io.verdict.scheduler.progress.ProgressChange;
import io.verdict.scheduler.progress.ProgressStore;
import io.verdict.scheduler.progress.RunCounters;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SeverityCounts;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The execution read model in {@code run_progress} (one row per run: its state and the counters it was planned or
 * rebuilt with), {@code run_progress_shards} (what segment transitions added since, one row per run and shard, the
 * shard taken from the segment's index) and {@code progress_segments} (per segment: attempt token and in-flight
 * progress). A transition is one transaction: one upsert adding the change's increments to its shard's row — atomic
 * per shard under the row lock (PostgreSQL) or the single writer (SQLite), so concurrent workers of one run never
 * lose a count — and one upsert of the segment's attempt token. Reads add the shards to the run's row, so totals are
 * exact. Why shards: with one counters row per run, both workers of a run updated it in every unit of work and
 * queued on its row lock until commit. An in-flight report is a conditional upsert that matches only when its token
 * is not below the stored one, so a holder that lost its segment cannot write.
 */
public final class JdbcProgressStore implements ProgressStore {
    private static final String[] OUTCOME = {"completed", "failed", "deltas", "new_criticals", "new_high",
            "new_medium", "new_low", "resolved", "quieted", "kev_hits"};
    private static final int FIND_CHUNK = 500;
    /**
     * Shards per run. Segments are claimed in index order, so concurrent workers of a run hold neighbouring indexes:
     * with 16 shards they meet on a row only when their indexes are 16 apart. A read adds at most 16 rows per run.
     */
    static final int SHARDS = 16;

    private final JdbcDatabase db;

    public JdbcProgressStore(JdbcDatabase db) {
        this.db = db;
    }

    private static String segColumn(SegmentState s) {
        return "seg_" + s.name().toLowerCase(Locale.ROOT);
    }

    private static final String COLUMNS;
    /** The counter columns, in both tables. */
    private static final List<String> COUNTERS;
    /** {@link #COLUMNS} as read: each counter is the run's row plus its shards ({@code s}, summed per run). */
    private static final String SUMMED;
    private static final String SHARD_SUMS;
    private static final String UPSERT;
    private static final String UPDATE_ALL;

    static {
        List<String> cols = new ArrayList<>(List.of("run_id", "tenant_id", "schedule_id", "mode", "state", "active"));
        for (SegmentState s : SegmentState.values()) cols.add(segColumn(s));
        cols.addAll(List.of("pending_segments", "pending_targets", "cancelled_targets"));
        for (String f : OUTCOME) cols.add("done_" + f);
        COLUMNS = String.join(", ", cols);
        COUNTERS = List.copyOf(cols.subList(6, cols.size()));
        List<String> summed = new ArrayList<>();
        List<String> sums = new ArrayList<>();
        for (String col : cols.subList(0, 6)) summed.add("r." + col);
        for (String col : COUNTERS) {
            summed.add("r." + col + " + COALESCE(s." + col + ", 0) AS " + col);
            sums.add("SUM(" + col + ") AS " + col);
        }
        SUMMED = String.join(", ", summed);
        SHARD_SUMS = String.join(", ", sums);
        List<String> sets = new ArrayList<>();
        for (String c : cols.subList(1, cols.size())) sets.add(c + " = excluded." + c);
        UPSERT = "INSERT INTO run_progress (" + COLUMNS + ") VALUES (" + Sql.placeholders(cols.size()) + ") "
                + "ON CONFLICT (run_id) DO ";
        UPDATE_ALL = String.join(", ", sets);
    }

    private static Object[] row(RunCounters c) {
        List<Object> v = new ArrayList<>();
        v.add(c.runId());
        v.add(c.tenantId());
        v.add(c.scheduleId());
        v.add(c.mode().name());
        v.add(c.state() == null ? null : c.state().name());
        v.add(active(c.state()));
        for (SegmentState s : SegmentState.values()) v.add((long) c.segments(s));
        v.add((long) c.pendingSegments());
        v.add((long) c.pendingTargets());
        v.add((long) c.cancelledTargets());
        for (long n : values(c.done())) v.add(n);
        return v.toArray();
    }

    private static long active(RunState state) {
        return state != null && !state.isTerminal() ? 1L : 0L;
    }

    private static long[] values(SegmentOutcome o) {
        SeverityCounts s = o.severity();
        return new long[] {o.completed(), o.failed(), o.deltas(), s.newCriticals(), s.newHigh(), s.newMedium(),
                s.newLow(), s.resolved(), s.quieted(), s.kevHits()};
    }

    @Override
    public void planned(Run run, List<Segment> segments) {
        RunCounters c = RunCounters.derive(run, segments);
        db.transaction(conn -> Sql.update(conn, UPSERT + "NOTHING", row(c)));
    }

    @Override
    public void apply(ProgressChange c) {
        List<String> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (c.from() != c.to()) {
            add(columns, values, segColumn(c.from()), -1);
            add(columns, values, segColumn(c.to()), 1);
        }
        add(columns, values, "pending_segments", c.pendingSegments());
        add(columns, values, "pending_targets", c.pendingTargets());
        add(columns, values, "cancelled_targets", c.cancelledTargets());
        long[] plus = values(c.add());
        long[] minus = values(c.remove());
        for (int i = 0; i < OUTCOME.length; i++) add(columns, values, "done_" + OUTCOME[i], plus[i] - minus[i]);
        db.transaction(conn -> {
            int n;
            if (columns.isEmpty()) {
                n = Sql.one(conn, "SELECT 1 FROM run_progress WHERE run_id = ?", rs -> 1, c.runId()).orElse(0);
            } else {
                // Only if the run has counters (its row is read, not locked: the shard row is what we update).
                List<String> sets = new ArrayList<>();
                for (String col : columns) sets.add(col + " = run_progress_shards." + col + " + excluded." + col);
                List<Object> params = new ArrayList<>();
                params.add(c.runId());
                params.add(shard(c.index()));
                params.addAll(values);
                params.add(c.runId());
                n = Sql.update(conn, "INSERT INTO run_progress_shards (run_id, shard, " + String.join(", ", columns)
                        + ") SELECT " + Sql.placeholders(columns.size() + 2)
                        + " WHERE EXISTS (SELECT 1 FROM run_progress WHERE run_id = ?) "
                        + "ON CONFLICT (run_id, shard) DO UPDATE SET " + String.join(", ", sets), params.toArray());
            }
            if (n == 0) return null; // a run planned before the read model existed: rebuilt on resume
            Sql.update(conn, "INSERT INTO progress_segments (run_id, idx, attempt_token, in_flight) VALUES (?,?,?,NULL) "
                            + "ON CONFLICT (run_id, idx) DO UPDATE SET attempt_token = excluded.attempt_token, in_flight = NULL",
                    c.runId(), c.index(), c.attemptToken());
            return null;
        });
    }

    static long shard(int index) {
        return Math.floorMod(index, SHARDS);
    }

    private static void add(List<String> columns, List<Object> values, String column, long delta) {
        if (delta == 0) return;
        columns.add(column);
        values.add(delta);
    }

    @Override
    public Optional<RunCounters> reportInFlight(String runId, int index, long fencingToken, SegmentOutcome soFar) {
        String json = RunCodecs.outcome(java.util.Objects.requireNonNull(soFar, "soFar")).json();
        return db.transaction(conn -> {
            // Nothing written for a run without counters, nor for a stale token: either way no row changes.
            int n = Sql.update(conn, "INSERT INTO progress_segments (run_id, idx, attempt_token, in_flight) SELECT ?,?,?,? "
                            + "WHERE EXISTS (SELECT 1 FROM run_progress WHERE run_id = ?) "
                            + "ON CONFLICT (run_id, idx) DO UPDATE SET attempt_token = excluded.attempt_token, "
                            + "in_flight = excluded.in_flight WHERE progress_segments.attempt_token <= excluded.attempt_token",
                    runId, index, fencingToken, json, runId);
            if (n == 0) return Optional.<RunCounters>empty();
            return Optional.ofNullable(read(conn, List.of(runId)).get(runId));
        });
    }

    @Override
    public void runState(String runId, RunState state) {
        db.transaction(c -> Sql.update(c, "UPDATE run_progress SET state = ?, active = ? WHERE run_id = ?",
                state.name(), active(state), runId));
    }

    @Override
    public Optional<RunCounters> find(String runId) {
        return Optional.ofNullable(findAll(List.of(runId)).get(runId));
    }

    @Override
    public Map<String, RunCounters> findAll(Collection<String> runIds) {
        Map<String, RunCounters> out = new LinkedHashMap<>();
        if (runIds.isEmpty()) return out;
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(runIds));
        Map<String, RunCounters> byId = db.transaction(c -> {
            Map<String, RunCounters> all = new HashMap<>();
            for (int i = 0; i < ids.size(); i += FIND_CHUNK) {
                all.putAll(read(c, ids.subList(i, Math.min(ids.size(), i + FIND_CHUNK))));
            }
            return all;
        });
        for (String id : runIds) {
            RunCounters c = byId.get(id);
            if (c != null) out.put(id, c);
        }
        return out;
    }

    /** The counters of {@code ids} (at most {@link #FIND_CHUNK}), in-flight progress summed per run. */
    private static Map<String, RunCounters> read(Connection c, List<String> ids) throws SQLException {
        Object[] params = ids.toArray();
        String in = Sql.placeholders(ids.size());
        Map<String, SegmentOutcome> flying = new HashMap<>();
        for (String[] r : Sql.list(c, "SELECT run_id, in_flight FROM progress_segments WHERE run_id IN (" + in
                + ") AND in_flight IS NOT NULL", rs -> new String[] {rs.getString(1), rs.getString(2)}, params)) {
            flying.merge(r[0], RunCodecs.outcome(Doc.parse(r[1])), SegmentOutcome::plus);
        }
        Map<String, RunCounters> out = new HashMap<>();
        Object[] twice = new Object[params.length * 2];
        System.arraycopy(params, 0, twice, 0, params.length);
        System.arraycopy(params, 0, twice, params.length, params.length);
        for (RunCounters rc : Sql.list(c, "SELECT " + SUMMED + " FROM run_progress r LEFT JOIN (SELECT run_id, "
                + SHARD_SUMS + " FROM run_progress_shards WHERE run_id IN (" + in + ") GROUP BY run_id) s "
                + "ON s.run_id = r.run_id WHERE r.run_id IN (" + in + ")", rs -> counters(rs, flying), twice)) {
            out.put(rc.runId(), rc);
        }
        return out;
    }

    private static RunCounters counters(ResultSet rs, Map<String, SegmentOutcome> flying) throws SQLException {
        String runId = rs.getString("run_id");
        Map<SegmentState, Integer> segs = new EnumMap<>(SegmentState.class);
        for (SegmentState s : SegmentState.values()) segs.put(s, rs.getInt(segColumn(s)));
        int[] d = new int[OUTCOME.length];
        // Never negative on read: a drifted counter shows as zero until reconcile() rebuilds the run.
        for (int i = 0; i < OUTCOME.length; i++) d[i] = Math.max(0, rs.getInt("done_" + OUTCOME[i]));
        SegmentOutcome done = new SegmentOutcome(d[0], d[1], d[2], new SeverityCounts(d[3], d[4], d[5], d[6], d[7],
                d[8], d[9]));
        String state = rs.getString("state");
        return new RunCounters(runId, rs.getString("tenant_id"), rs.getString("schedule_id"),
                Mode.valueOf(rs.getString("mode")), state == null ? null : RunState.valueOf(state), segs,
                rs.getInt("pending_segments"), rs.getInt("pending_targets"), rs.getInt("cancelled_targets"), done,
                flying.getOrDefault(runId, SegmentOutcome.NONE));
    }

    @Override
    public List<Backlog> backlog() {
        // '' for "no schedule" sorts first, as null does in the in-memory store; text columns order as Java does.
        // Each active run's pending counts are its row plus its shards, summed before the > 0 test.
        String pending = "SELECT r.tenant_id, r.schedule_id, r.mode, r.state, "
                + "r.pending_segments + COALESCE((SELECT SUM(s.pending_segments) FROM run_progress_shards s "
                + "WHERE s.run_id = r.run_id), 0) AS pending_segments, "
                + "r.pending_targets + COALESCE((SELECT SUM(s.pending_targets) FROM run_progress_shards s "
                + "WHERE s.run_id = r.run_id), 0) AS pending_targets FROM run_progress r WHERE r.active = 1";
        return db.transaction(c -> Sql.list(c, "SELECT tenant_id, COALESCE(schedule_id, '') AS sched, mode, "
                        + "SUM(CASE WHEN state = 'PLANNING' THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN state = 'QUEUED' THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN state NOT IN ('PLANNING', 'QUEUED') THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN pending_segments > 0 THEN pending_segments ELSE 0 END), "
                        + "SUM(CASE WHEN pending_targets > 0 THEN pending_targets ELSE 0 END) "
                        + "FROM (" + pending + ") p GROUP BY tenant_id, COALESCE(schedule_id, ''), mode "
                        + "ORDER BY tenant_id, sched, mode",
                rs -> new Backlog(rs.getString(1), rs.getString(2).isEmpty() ? null : rs.getString(2),
                        Mode.valueOf(rs.getString(3)), rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getLong(7),
                        rs.getLong(8))));
    }

    @Override
    public void rebuild(Run run, List<Segment> segments) {
        RunCounters c = RunCounters.derive(run, segments);
        db.transaction(conn -> {
            Sql.update(conn, UPSERT + "UPDATE SET " + UPDATE_ALL, row(c));
            Sql.update(conn, "DELETE FROM run_progress_shards WHERE run_id = ?", run.id()); // in the row now
            // Attempt tokens survive a rebuild (a holder that lost its segment stays refused); reported progress
            // does not (the derived counters count no segment in flight).
            Sql.update(conn, "UPDATE progress_segments SET in_flight = NULL WHERE run_id = ? AND in_flight IS NOT NULL",
                    run.id());
            return null;
        });
    }
}
