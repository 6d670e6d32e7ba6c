package io.verdict.scheduler.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The database server's clock, so every instance judges lease and lock expiry by the same time (clock skew
 * between nodes is a classic cause of double execution). It reads {@code localTime} from the server's
 * {@code hello} reply (falling back to {@code isMaster} on servers without {@code hello}), keeps the offset to
 * the local clock, and re-reads it every {@code resync}. Between reads it is the local clock plus that offset,
 * accurate to about half a round trip plus local drift since the last read. It never goes backwards and has
 * millisecond precision, the precision of BSON dates. If the server cannot be reached it keeps the last offset.
 */
public final class MongoServerClock extends Clock {
    private static final System.Logger LOG = System.getLogger(MongoServerClock.class.getName());

    private final MongoDatabase db;
    private final Duration resync;
    private final LongSupplier localMillis;
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    private volatile long offsetMillis;
    private volatile long nextSyncAt = Long.MIN_VALUE;
    private volatile boolean helloMissing;

    public MongoServerClock(MongoDatabase db) {
        this(db, Duration.ofSeconds(30));
    }

    public MongoServerClock(MongoDatabase db, Duration resync) {
        this(db, resync, System::currentTimeMillis);
    }

    MongoServerClock(MongoDatabase db, Duration resync, LongSupplier localMillis) {
        this.db = db;
        this.resync = resync;
        this.localMillis = localMillis;
        sync();
    }

    /** Reads the server time now; returns the offset (server minus local, in ms). */
    public synchronized long sync() {
        try {
            long before = localMillis.getAsLong();
            Date server = serverTime();
            long after = localMillis.getAsLong();
            if (server != null) offsetMillis = server.getTime() - (before + after) / 2;
            nextSyncAt = after + resync.toMillis();
        } catch (MongoException e) {
            LOG.log(System.Logger.Level.WARNING, "could not read the database server's time; keeping the last offset", e);
            nextSyncAt = localMillis.getAsLong() + Math.min(resync.toMillis(), 5_000);
        }
        return offsetMillis;
    }

    private Date serverTime() {
        if (!helloMissing) {
            try {
                return db.runCommand(new Document("hello", 1)).getDate("localTime");
            } catch (MongoCommandException e) {
                if (e.getErrorCode() != 59) throw e; // CommandNotFound: an old server or a test double
                helloMissing = true;
            }
        }
        return db.runCommand(new Document("isMaster", 1)).getDate("localTime");
    }

    public long offsetMillis() {
        return offsetMillis;
    }

    @Override
    public long millis() {
        long local = localMillis.getAsLong();
        if (local >= nextSyncAt) sync();
        long candidate = local + offsetMillis;
        return last.accumulateAndGet(candidate, Math::max);
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
