package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.LockService;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Named expiring locks in {@code locks}, one row per name that is never deleted, so its fencing token keeps
 * growing across acquisitions, owners and restarts. Acquire is one conditional update ("free or expired") in the
 * transaction that creates the row on first use; release is compare-and-clear on the lease's token. Expiry is
 * judged by the injected clock.
 */
public final class JdbcLockService implements LockService {
    private final JdbcDatabase db;
    private final Clock clock;

    public JdbcLockService(JdbcDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<LockLease> tryAcquire(String name, String owner, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be > 0");
        long now = clock.millis();
        long expires = now + Math.max(1, ttl.toMillis());
        return db.transaction(c -> {
            Sql.update(c, "INSERT INTO locks (name, fencing_token) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", name);
            return Sql.one(c, "UPDATE locks SET owner = ?, expires_ms = ?, acquired_ms = ?, fencing_token = fencing_token + 1 "
                            + "WHERE name = ? AND (owner IS NULL OR expires_ms <= ?) RETURNING fencing_token",
                    rs -> new LockLease(name, owner, rs.getLong(1), Instant.ofEpochMilli(expires)), owner, expires, now,
                    name, now);
        });
    }

    @Override
    public boolean release(LockLease lease) {
        return db.transaction(c -> Sql.update(c, "UPDATE locks SET owner = NULL, expires_ms = NULL, acquired_ms = NULL "
                + "WHERE name = ? AND fencing_token = ? AND owner IS NOT NULL", lease.name(), lease.fencingToken())) == 1;
    }

    /**
     * Frees every lock {@code owner} holds: at start, the locks a crashed process of the same instance identity
     * left behind. Tokens are kept, so the next holder still gets a higher one. Returns how many were freed.
     */
    public int releaseAllOwnedBy(String owner) {
        return db.transaction(c -> Sql.update(c, "UPDATE locks SET owner = NULL, expires_ms = NULL, acquired_ms = NULL "
                + "WHERE owner = ?", owner));
    }

    /** Frees every lock; only for a store this process has to itself (the embedded file). */
    public int releaseAll() {
        return db.transaction(c -> Sql.update(c, "UPDATE locks SET owner = NULL, expires_ms = NULL, acquired_ms = NULL "
                + "WHERE owner IS NOT NULL"));
    }
}
