package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.impact.ImageChange;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Indexed SBOMs in {@code images}, one row per (tenant, digest); read whole at start to rebuild the index. Saving an
 * image identical to the stored one changes no row (so re-indexing an unchanged estate costs reads, not fsyncs).
 *
 * <p>Every save that changed the row, and every delete that removed one, appends to {@code image_changes} in the
 * same transaction, so other instances follow the index through {@link #changesAfter} and never see a change the
 * store does not hold (or miss one it does). The {@code seq} is drawn from the {@code counters} row
 * {@value #SEQ_COUNTER}, whose row lock (PostgreSQL) or single writer (SQLite) lasts to commit: changes commit in
 * seq order. {@code at} is the store's clock, but never below the previous change's, so (at, seq) order is seq
 * order and a reader paging after a position cannot skip a change committed later. Changes older than
 * {@link ImageStore#CHANGE_LOG_RETENTION} are pruned at most once a minute per instance, inside a writing
 * transaction.
 */
public final class JdbcImageStore implements ImageStore {
    static final String SEQ_COUNTER = "images:changes";
    private static final long PRUNE_EVERY_MS = 60_000;
    private static final String UPSERT = "INSERT INTO images (tenant_id, digest, doc) VALUES (?,?,?) "
            + "ON CONFLICT (tenant_id, digest) DO UPDATE SET doc = excluded.doc WHERE images.doc <> excluded.doc";

    private final JdbcDatabase db;
    private final Clock clock;
    private final AtomicLong nextPruneMs = new AtomicLong(Long.MIN_VALUE);

    public JdbcImageStore(JdbcDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public JdbcImageStore(JdbcDatabase db) {
        this(db, Clock.systemUTC());
    }

    @Override
    public void save(ImageRecord image) {
        String json = CatalogCodecs.image(image).json();
        db.transaction(c -> {
            if (Sql.update(c, UPSERT, image.tenantId(), image.digest(), json) > 0) {
                recordChange(c, image.tenantId(), image.digest(), json);
            }
            return null;
        });
    }

    /** Many images in one transaction (one commit, one fsync): what seeding an estate needs. */
    public void saveAll(List<ImageRecord> images) {
        if (images.isEmpty()) return;
        List<Object[]> rows = new ArrayList<>(images.size());
        for (ImageRecord i : images) rows.add(new Object[] {i.tenantId(), i.digest(), CatalogCodecs.image(i).json()});
        db.transaction(c -> {
            int[] counts = Sql.batch(c, UPSERT, rows);
            for (int i = 0; i < counts.length; i++) {
                // SUCCESS_NO_INFO (-2): the driver could not tell, so the change is recorded (a spare entry is harmless).
                if (counts[i] != 0) recordChange(c, (String) rows.get(i)[0], (String) rows.get(i)[1], (String) rows.get(i)[2]);
            }
            return null;
        });
    }

    @Override
    public boolean delete(String tenantId, String digest) {
        return db.transaction(c -> {
            boolean removed = Sql.update(c, "DELETE FROM images WHERE tenant_id = ? AND digest = ?", tenantId, digest) == 1;
            if (removed) recordChange(c, tenantId, digest, null);
            return removed;
        });
    }

    private void recordChange(Connection c, String tenantId, String digest, String imageJson) throws SQLException {
        long seq = Counters.next(c, SEQ_COUNTER); // taken first: holds the counter row until commit
        long now = nanos(clock.instant());
        long previous = Sql.one(c, "SELECT MAX(at_ns) AS max_at FROM image_changes", rs -> Sql.nullableLong(rs, "max_at"))
                .orElse(Long.MIN_VALUE);
        Sql.update(c, "INSERT INTO image_changes (seq, at_ns, tenant_id, digest, image) VALUES (?,?,?,?,?)", seq,
                Math.max(now, previous), tenantId, digest, imageJson);
        long nowMs = clock.millis();
        long due = nextPruneMs.get();
        if (nowMs >= due && nextPruneMs.compareAndSet(due, nowMs + PRUNE_EVERY_MS)) {
            Sql.update(c, "DELETE FROM image_changes WHERE at_ns < ?",
                    nanos(clock.instant().minus(CHANGE_LOG_RETENTION)));
        }
    }

    @Override
    public List<ImageChange> changesAfter(Instant at, long seq, int limit) {
        if (limit < 1) return List.of();
        long atNs = nanos(at);
        return db.transaction(c -> Sql.list(c, "SELECT seq, at_ns, tenant_id, digest, image FROM image_changes "
                        + "WHERE at_ns > ? OR (at_ns = ? AND seq > ?) ORDER BY at_ns, seq LIMIT ?",
                rs -> {
                    String image = rs.getString("image");
                    return new ImageChange(rs.getLong("seq"), instant(rs.getLong("at_ns")), rs.getString("tenant_id"),
                            rs.getString("digest"), image == null ? null : CatalogCodecs.image(Doc.parse(image)));
                }, atNs, atNs, seq, limit));
    }

    /** Nanoseconds since the epoch (long reaches 1677 to 2262; instants beyond clamp to the ends). */
    private static long nanos(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException e) {
            return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    @Override
    public List<ImageRecord> loadAll() {
        return db.transaction(c -> {
            try (var ps = c.prepareStatement("SELECT doc FROM images ORDER BY tenant_id, digest")) {
                ps.setFetchSize(1000); // PostgreSQL streams in batches inside the transaction
                try (var rs = ps.executeQuery()) {
                    List<ImageRecord> out = new ArrayList<>();
                    while (rs.next()) out.add(CatalogCodecs.image(Doc.parse(rs.getString(1))));
                    return out;
                }
            }
        });
    }
}
