package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;

import java.util.List;

/**
 * Indexed SBOMs in {@code images}, one row per (tenant, digest); read whole at start to rebuild the index. Saving an
 * image identical to the stored one changes no row (so re-indexing an unchanged estate costs reads, not fsyncs).
 */
public final class JdbcImageStore implements ImageStore {
    private final JdbcDatabase db;

    public JdbcImageStore(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void save(ImageRecord image) {
        db.transaction(c -> Sql.update(c, "INSERT INTO images (tenant_id, digest, doc) VALUES (?,?,?) "
                        + "ON CONFLICT (tenant_id, digest) DO UPDATE SET doc = excluded.doc WHERE images.doc <> excluded.doc", image.tenantId(),
                image.digest(), CatalogCodecs.image(image).json()));
    }

    /** Many images in one transaction (one commit, one fsync): what seeding an estate needs. */
    public void saveAll(List<ImageRecord> images) {
        if (images.isEmpty()) return;
        List<Object[]> rows = new java.util.ArrayList<>(images.size());
        for (ImageRecord i : images) rows.add(new Object[] {i.tenantId(), i.digest(), CatalogCodecs.image(i).json()});
        db.transaction(c -> Sql.batch(c, "INSERT INTO images (tenant_id, digest, doc) VALUES (?,?,?) "
                + "ON CONFLICT (tenant_id, digest) DO UPDATE SET doc = excluded.doc WHERE images.doc <> excluded.doc", rows));
    }

    /**
     * INTERIM (integration): no image change log in the SQL stores yet, so another instance sees an image only
     * after its restart; the V2 migration with an {@code image_changes} table replaces this.
     */
    @Override
    public List<io.verdict.scheduler.impact.ImageChange> changesAfter(java.time.Instant at, long seq, int limit) {
        return List.of();
    }

    @Override
    public boolean delete(String tenantId, String digest) {
        return db.transaction(c -> Sql.update(c, "DELETE FROM images WHERE tenant_id = ? AND digest = ?",
                tenantId, digest)) == 1;
    }

    @Override
    public List<ImageRecord> loadAll() {
        return db.transaction(c -> {
            try (var ps = c.prepareStatement("SELECT doc FROM images ORDER BY tenant_id, digest")) {
                ps.setFetchSize(1000); // PostgreSQL streams in batches inside the transaction
                try (var rs = ps.executeQuery()) {
                    List<ImageRecord> out = new java.util.ArrayList<>();
                    while (rs.next()) out.add(CatalogCodecs.image(Doc.parse(rs.getString(1))));
                    return out;
                }
            }
        });
    }
}
