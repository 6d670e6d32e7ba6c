package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.VerdictStoreContract;
import io.verdict.scheduler.execution.VerdictStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** VerdictStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcVerdictStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends VerdictStoreContract {
        @Override
        protected VerdictStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcVerdictStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcVerdictStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends VerdictStoreContract {
        @Override
        protected VerdictStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcVerdictStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcVerdictStore(store.fresh());
        }
    }
}
