package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.ProgressStoreContract;
import io.verdict.scheduler.progress.ProgressStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** ProgressStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcProgressStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends ProgressStoreContract {
        @Override
        protected ProgressStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcProgressStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcProgressStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends ProgressStoreContract {
        @Override
        protected ProgressStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcProgressStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcProgressStore(store.fresh());
        }
    }
}
