package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.VerdictStore;

import java.util.Optional;

/** Last report per (tenant, image) in {@code verdicts}; a save replaces it (upsert). */
public final class JdbcVerdictStore implements VerdictStore {
    private final JdbcDatabase db;

    public JdbcVerdictStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<ScanReport> latest(String tenantId, String imageDigest) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM verdicts WHERE tenant_id = ? AND image_digest = ?",
                rs -> CatalogCodecs.report(Doc.parse(rs.getString(1))), tenantId, imageDigest));
    }

    /**
     * The last reports of many images in one query per 500 (absent = never reported).
     */
    @Override
    public java.util.Map<String, ScanReport> latestAll(String tenantId, java.util.Collection<String> imageDigests) {
        java.util.List<String> all = java.util.List.copyOf(new java.util.LinkedHashSet<>(imageDigests));
        java.util.Map<String, ScanReport> out = new java.util.HashMap<>();
        for (int from = 0; from < all.size(); from += 500) {
            java.util.List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            Object[] params = new Object[chunk.size() + 1];
            params[0] = tenantId;
            for (int i = 0; i < chunk.size(); i++) params[i + 1] = chunk.get(i);
            for (ScanReport r : db.transaction(c -> Sql.list(c, "SELECT doc FROM verdicts WHERE tenant_id = ? "
                    + "AND image_digest IN (" + Sql.placeholders(chunk.size()) + ")",
                    rs -> CatalogCodecs.report(Doc.parse(rs.getString(1))), params))) {
                out.put(r.imageDigest(), r);
            }
        }
        return out;
    }

    /** Many reports in one transaction (one commit). */
    @Override
    public void saveAll(String tenantId, java.util.List<ScanReport> reports) {
        if (reports.isEmpty()) return;
        java.util.List<Object[]> rows = new java.util.ArrayList<>(reports.size());
        for (ScanReport r : reports) rows.add(new Object[] {tenantId, r.imageDigest(), CatalogCodecs.report(tenantId, r).json()});
        db.transaction(c -> Sql.batch(c, "INSERT INTO verdicts (tenant_id, image_digest, doc) VALUES (?,?,?) "
                + "ON CONFLICT (tenant_id, image_digest) DO UPDATE SET doc = excluded.doc WHERE verdicts.doc <> excluded.doc",
                rows));
    }

    @Override
    public void save(String tenantId, ScanReport report) {
        db.transaction(c -> Sql.update(c, "INSERT INTO verdicts (tenant_id, image_digest, doc) VALUES (?,?,?) "
                        + "ON CONFLICT (tenant_id, image_digest) DO UPDATE SET doc = excluded.doc WHERE verdicts.doc <> excluded.doc", tenantId,
                report.imageDigest(), CatalogCodecs.report(tenantId, report).json()));
    }
}
