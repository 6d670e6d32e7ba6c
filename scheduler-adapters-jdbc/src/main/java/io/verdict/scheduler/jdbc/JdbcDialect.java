package io.verdict.scheduler.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the SQL engines the adapter runs on — kept to a few hooks (after db-scheduler's
 * {@code JdbcCustomization}) so every store issues the same SQL: both engines speak {@code INSERT … ON CONFLICT},
 * {@code UPDATE … RETURNING} and partial indexes.
 */
public interface JdbcDialect {
    /** Folder under {@code db/migration/} holding this engine's versioned schema scripts. */
    String name();

    /**
     * Appended to the sub-select that picks the message a claim takes. PostgreSQL: {@code FOR UPDATE SKIP LOCKED},
     * so concurrent claimers pass over each other's rows instead of queueing on them. SQLite: nothing — its
     * single writer already serialises claims.
     */
    String claimLocking();

    /** Serialises schema migrations across processes starting at once (inside the migration transaction). */
    void lockForMigration(Connection c) throws SQLException;

    /** True for errors worth retrying the whole transaction (serialization failure, deadlock, busy file). */
    boolean isTransient(SQLException e);

    JdbcDialect SQLITE = new JdbcDialect() {
        @Override
        public String name() {
            return "sqlite";
        }

        @Override
        public String claimLocking() {
            return "";
        }

        @Override
        public void lockForMigration(Connection c) {
            // The write transaction (BEGIN IMMEDIATE) already excludes every other writer of the file.
        }

        @Override
        public boolean isTransient(SQLException e) {
            int code = e.getErrorCode() & 0xff;
            return code == 5 || code == 6; // SQLITE_BUSY, SQLITE_LOCKED
        }

        @Override
        public String toString() {
            return "sqlite";
        }
    };

    JdbcDialect POSTGRESQL = new JdbcDialect() {
        @Override
        public String name() {
            return "postgresql";
        }

        @Override
        public String claimLocking() {
            return " FOR UPDATE SKIP LOCKED";
        }

        @Override
        public void lockForMigration(Connection c) throws SQLException {
            try (var st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(7301962)"); // any constant shared by every instance
            }
        }

        @Override
        public boolean isTransient(SQLException e) {
            String state = e.getSQLState();
            return "40001".equals(state) || "40P01".equals(state);
        }

        @Override
        public String toString() {
            return "postgresql";
        }
    };
}
