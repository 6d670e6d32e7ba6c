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

    @Override
    public void save(String tenantId, ScanReport report) {
        db.transaction(c -> Sql.update(c, "INSERT INTO verdicts (tenant_id, image_digest, doc) VALUES (?,?,?) "
                        + "ON CONFLICT (tenant_id, image_digest) DO UPDATE SET doc = excluded.doc WHERE verdicts.doc <> excluded.doc", tenantId,
                report.imageDigest(), CatalogCodecs.report(tenantId, report).json()));
    }
}
