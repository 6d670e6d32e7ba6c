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
            List<Object[]> changed = new ArrayList<>(counts.length);
            for (int i = 0; i < counts.length; i++) {
                // SUCCESS_NO_INFO (-2): the driver could not tell, so the change is recorded (a spare entry is harmless).
                if (counts[i] != 0) changed.add(rows.get(i));
            }
            recordChanges(c, changed);
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
        List<Object[]> one = new ArrayList<>(1);
        one.add(new Object[] {tenantId, digest, imageJson});
        recordChanges(c, one);
    }

    /**
     * Appends one change per row ({tenant, digest, image JSON or null}) to the log, in one batch. The transaction's
     * {@link LogPosition} makes a bulk load (thousands of saves in one transaction) draw seqs in growing blocks and
     * read the previous {@code at} once, instead of one counter update and one MAX query per save.
     */
    private void recordChanges(Connection c, List<Object[]> changes) throws SQLException {
        if (changes.isEmpty()) return;
        LogPosition pos = db.transactionLocal(this, LogPosition::new);
        long now = nanos(clock.instant());
        List<Object[]> rows = new ArrayList<>(changes.size());
        for (Object[] change : changes) {
            long seq = pos.nextSeq(c, changes.size() - rows.size()); // the first draw locks the counter to commit
            long at = Math.max(now, pos.lastAt(c));
            pos.lastAt = at;
            rows.add(new Object[] {seq, at, change[0], change[1], change[2]});
        }
        Sql.batch(c, "INSERT INTO image_changes (seq, at_ns, tenant_id, digest, image) VALUES (?,?,?,?,?)", rows);
        long nowMs = clock.millis();
        long due = nextPruneMs.get();
        if (nowMs >= due && nextPruneMs.compareAndSet(due, nowMs + PRUNE_EVERY_MS)) {
            Sql.update(c, "DELETE FROM image_changes WHERE at_ns < ?",
                    nanos(clock.instant().minus(CHANGE_LOG_RETENTION)));
        }
    }

    /**
     * Where this transaction is in the change log. Seqs are reserved from the counter in blocks that double
     * (1, 2, 4, … up to 1,024, at least what the call needs): a lone save takes exactly one value, a bulk load
     * of n saves updates the counter row about log2(n) + n/1,024 times; the values left unused when the
     * transaction ends are a gap, which readers never rely on. Once the counter row is locked no other writer can
     * append, so the previous {@code at} is read once and then carried along.
     */
    private static final class LogPosition {
        private static final long MAX_BLOCK = 1_024;
        private long next = 1;
        private long last; // next > last: nothing reserved
        private long block = 1;
        private Long lastAt;

        long nextSeq(Connection c, int needed) throws SQLException {
            if (next > last) {
                long n = Math.max(block, needed);
                last = Counters.reserve(c, SEQ_COUNTER, n);
                next = last - n + 1;
                block = Math.min(MAX_BLOCK, block * 2);
            }
            return next++;
        }

        long lastAt(Connection c) throws SQLException {
            if (lastAt == null) {
                lastAt = Sql.one(c, "SELECT MAX(at_ns) AS max_at FROM image_changes", rs -> Sql.nullableLong(rs, "max_at"))
                        .orElse(Long.MIN_VALUE);
            }
            return lastAt;
        }
    }

    /** Seq order is commit order and (at, seq) order is seq order (see the class comment). */
    @Override
    public boolean changesVisibleInOrder() {
        return true;
    }

    @Override
    public List<ImageChange> changesAfter(Instant at, long seq, int limit) {
        if (limit < 1) return List.of();
        long atNs = nanos(at);
        return db.transaction(c -> Sql.list(c, "SELECT seq, at_ns, tenant_id, digest, image FROM image_changes "
                        + "WHERE at_ns >= ? AND (at_ns > ? OR seq > ?) ORDER BY at_ns, seq LIMIT ?",
                rs -> {
                    String image = rs.getString("image");
                    return new ImageChange(rs.getLong("seq"), instant(rs.getLong("at_ns")), rs.getString("tenant_id"),
                            rs.getString("digest"), image == null ? null : CatalogCodecs.image(Doc.parse(image)));
                }, atNs, atNs, seq, limit)); // at_ns >= ? first: a range on the (at_ns, seq) index, no sort
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
