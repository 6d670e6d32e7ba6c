package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.runs.DeltaStore;
import io.verdict.scheduler.runs.DeltaSummary;

import java.util.List;
import java.util.Optional;

/** Deltas in {@code deltas}; the primary key (run_id, image_digest) is the idempotency: a repeat records nothing. */
public final class JdbcDeltaStore implements DeltaStore {
    private final JdbcDatabase db;

    public JdbcDeltaStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public boolean record(DeltaSummary delta) {
        return db.transaction(c -> Sql.update(c, "INSERT INTO deltas (run_id, image_digest, doc) VALUES (?,?,?) "
                + "ON CONFLICT (run_id, image_digest) DO NOTHING", delta.runId(), delta.imageDigest(),
                RunCodecs.delta(delta).json())) == 1;
    }

    /**
     * Records many deltas in one transaction; returns those newly recorded, in input order (the key keeps the
     * idempotency of {@link #record}).
     */
    @Override
    public List<DeltaSummary> recordAll(List<DeltaSummary> deltas) {
        if (deltas.isEmpty()) return List.of();
        List<Object[]> rows = new java.util.ArrayList<>(deltas.size());
        for (DeltaSummary d : deltas) rows.add(new Object[] {d.runId(), d.imageDigest(), RunCodecs.delta(d).json()});
        int[] counts = db.transaction(c -> Sql.batch(c, "INSERT INTO deltas (run_id, image_digest, doc) VALUES (?,?,?) "
                + "ON CONFLICT (run_id, image_digest) DO NOTHING", rows));
        List<DeltaSummary> stored = new java.util.ArrayList<>();
        for (int i = 0; i < deltas.size(); i++) if (counts[i] == 1) stored.add(deltas.get(i));
        return stored;
    }

    @Override
    public Optional<DeltaSummary> find(String runId, String imageDigest) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM deltas WHERE run_id = ? AND image_digest = ?",
                rs -> RunCodecs.delta(Doc.parse(rs.getString(1))), runId, imageDigest));
    }

    /** The run's deltas for many images, one query per 500 digests, in input order (absent = no delta). */
    @Override
    public java.util.Map<String, DeltaSummary> findAll(String runId, java.util.Collection<String> imageDigests) {
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(imageDigests));
        java.util.Map<String, DeltaSummary> found = new java.util.HashMap<>();
        db.transaction(c -> {
            for (int from = 0; from < all.size(); from += 500) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
                Object[] params = new Object[chunk.size() + 1];
                params[0] = runId;
                for (int i = 0; i < chunk.size(); i++) params[i + 1] = chunk.get(i);
                for (DeltaSummary d : Sql.list(c, "SELECT doc FROM deltas WHERE run_id = ? AND image_digest IN ("
                        + Sql.placeholders(chunk.size()) + ")", rs -> RunCodecs.delta(Doc.parse(rs.getString(1))), params)) {
                    found.put(d.imageDigest(), d);
                }
            }
            return null;
        });
        java.util.Map<String, DeltaSummary> out = new java.util.LinkedHashMap<>();
        for (String digest : all) if (found.containsKey(digest)) out.put(digest, found.get(digest));
        return out;
    }

    @Override
    public List<DeltaSummary> forRun(String runId) {
        return db.transaction(c -> Sql.list(c, "SELECT doc FROM deltas WHERE run_id = ? ORDER BY image_digest",
                rs -> RunCodecs.delta(Doc.parse(rs.getString(1))), runId));
    }
}
