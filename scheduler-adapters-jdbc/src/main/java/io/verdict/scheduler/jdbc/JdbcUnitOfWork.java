package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.tx.UnitOfWork;

import java.util.function.Supplier;

/**
 * The core's unit of work as one {@link JdbcDatabase#transaction}: the connection is bound to the calling thread, so
 * every store of this database called inside the block (runs, deltas, outbox, …) joins it; one commit at the end —
 * on SQLite one group fsync, awaited before the block returns, so "returned" still means "on disk" — and a
 * failure anywhere rolls all of it back.
 */
final class JdbcUnitOfWork implements UnitOfWork {
    private final JdbcDatabase db;

    JdbcUnitOfWork(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return db.transaction(c -> work.get());
    }

    @Override
    public void afterCommit(Runnable action) {
        db.afterCommit(action);
    }
}
