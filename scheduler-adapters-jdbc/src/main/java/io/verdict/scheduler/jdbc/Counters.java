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
        return Sql.one(c, "INSERT INTO counters (name, value) VALUES (?, 1) "
                        + "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
                rs -> rs.getLong(1), name).orElseThrow();
    }
}
