package io.verdict.scheduler.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Named, durable, strictly increasing counters (fencing tokens, enqueue order). One upsert with RETURNING: the
 * row lock (PostgreSQL) or the single writer (SQLite) means two callers never get the same value, and the value
 * survives restarts, so tokens never go backwards.
 */
final class Counters {
    private Counters() {}

    static long next(Connection c, String name) throws SQLException {
        return reserve(c, name, 1);
    }

    /**
     * Adds {@code n} (≥ 1) to the counter and returns the new value: the caller owns the {@code n} values ending
     * there. One statement for a whole batch (and, on PostgreSQL, one new row version instead of {@code n}).
     */
    static long reserve(Connection c, String name, long n) throws SQLException {
        if (n < 1) throw new IllegalArgumentException("reserve at least one value: " + n);
        return Sql.one(c, "INSERT INTO counters (name, value) VALUES (?, ?) "
                        + "ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value",
                rs -> rs.getLong(1), name, n).orElseThrow();
    }
}
