package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Segments in {@code segments}, keyed (run_id, idx). {@link #insertAll} is one transaction: a run's segments are
 * stored all or none. A write matches only when the stored version is the previous one <em>and</em> the stored
 * fencing token is not above the writer's; when nothing matched, a read tells which of the two it lost on.
 */
public final class JdbcSegmentStore implements SegmentStore {
    private final JdbcDatabase db;

    public JdbcSegmentStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void insertAll(List<Segment> segments) {
        if (segments.isEmpty()) return;
        List<Object[]> rows = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            rows.add(new Object[] {s.runId(), s.index(), s.fencingToken(), s.version(), RunCodecs.segment(s).json()});
        }
        db.transaction(c -> {
            int[] counts = Sql.batch(c, "INSERT INTO segments (run_id, idx, fencing_token, version, doc) "
                    + "VALUES (?,?,?,?,?) ON CONFLICT (run_id, idx) DO NOTHING", rows);
            for (int n : counts) {
                // Throwing rolls the whole batch back: none of this call's segments is stored.
                if (n == 0) throw new ConcurrentUpdateException("segments of run " + segments.get(0).runId() + " exist");
            }
            return null;
        });
    }

    @Override
    public long maxFencingToken() {
        // Read when a queue transport has lost its token counter (a Redis restart without persistence): rare, so a
        // scan of the segments table is acceptable here.
        return db.transaction(c -> Sql.one(c, "SELECT COALESCE(MAX(fencing_token), 0) FROM segments",
                rs -> rs.getLong(1))).orElse(0L);
    }

    @Override
    public Optional<Segment> find(String runId, int index) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM segments WHERE run_id = ? AND idx = ?",
                rs -> RunCodecs.segment(Doc.parse(rs.getString(1))), runId, index));
    }

    @Override
    public List<Segment> forRun(String runId) {
        return db.transaction(c -> Sql.list(c, "SELECT doc FROM segments WHERE run_id = ? ORDER BY idx",
                rs -> RunCodecs.segment(Doc.parse(rs.getString(1))), runId));
    }

    @Override
    public Segment update(Segment updated) {
        return db.transaction(c -> {
            int n = Sql.update(c, "UPDATE segments SET fencing_token = ?, version = ?, doc = ? "
                            + "WHERE run_id = ? AND idx = ? AND version = ? AND fencing_token <= ?",
                    updated.fencingToken(), updated.version(), RunCodecs.segment(updated).json(), updated.runId(),
                    updated.index(), updated.version() - 1, updated.fencingToken());
            if (n == 1) return updated;
            Optional<Long> token = Sql.one(c, "SELECT fencing_token FROM segments WHERE run_id = ? AND idx = ?",
                    rs -> rs.getLong(1), updated.runId(), updated.index());
            if (token.isEmpty()) throw new ConcurrentUpdateException("segment " + updated.key() + " missing");
            if (updated.fencingToken() < token.get()) {
                throw new StaleLeaseException(updated.key(), updated.fencingToken(), token.get());
            }
            throw new ConcurrentUpdateException("segment " + updated.key());
        });
    }
}
