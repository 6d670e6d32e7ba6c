package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.AuditLogContract;
import io.verdict.scheduler.audit.AuditLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** AuditLogContract on SQLite and on the real PostgreSQL server. */
class JdbcAuditLogContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends AuditLogContract {
        @Override
        protected AuditLog newLog() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcAuditLogContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcAuditLog(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends AuditLogContract {
        @Override
        protected AuditLog newLog() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcAuditLogContractTest.class);
            TestDatabase store = postgres;
            return new JdbcAuditLog(store.fresh());
        }
    }
}
