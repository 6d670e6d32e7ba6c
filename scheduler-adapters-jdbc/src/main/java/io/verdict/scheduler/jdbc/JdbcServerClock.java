package io.verdict.scheduler.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The PostgreSQL server's clock, so every instance sharing the database judges lease and lock expiry by the same
 * time. It reads {@code clock_timestamp()}, keeps the offset to the local clock (half a round trip accuracy) and
 * re-reads it every {@code resync}; it never goes backwards and keeps the last offset while the server is away.
 */
public final class JdbcServerClock extends Clock {
    private static final System.Logger LOG = System.getLogger(JdbcServerClock.class.getName());

    private final JdbcDatabase db;
    private final Duration resync;
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    private volatile long offsetMillis;
    private volatile long nextSyncAt = Long.MIN_VALUE;

    public JdbcServerClock(JdbcDatabase db) {
        this(db, Duration.ofSeconds(30));
    }

    public JdbcServerClock(JdbcDatabase db, Duration resync) {
        this.db = db;
        this.resync = resync;
        sync();
    }

    /** Reads the server time now; returns the offset (server minus local, ms). */
    public synchronized long sync() {
        try {
            long before = System.currentTimeMillis();
            long server = db.transaction(c -> Sql.one(c,
                    "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)", rs -> rs.getLong(1))
                    .orElseThrow());
            long after = System.currentTimeMillis();
            offsetMillis = server - (before + after) / 2;
            nextSyncAt = after + resync.toMillis();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not read the database server's time; keeping the last offset: " + e);
            nextSyncAt = System.currentTimeMillis() + Math.min(resync.toMillis(), 5_000);
        }
        return offsetMillis;
    }

    public long offsetMillis() {
        return offsetMillis;
    }

    @Override
    public long millis() {
        long local = System.currentTimeMillis();
        if (local >= nextSyncAt) sync();
        return last.accumulateAndGet(local + offsetMillis, Math::max);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) return this;
        throw new UnsupportedOperationException("the server clock is UTC; convert instants where you display them");
    }
}
