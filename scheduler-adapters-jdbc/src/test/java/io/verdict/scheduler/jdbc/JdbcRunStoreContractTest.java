package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.RunStoreContract;
import io.verdict.scheduler.runs.RunStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** RunStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcRunStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends RunStoreContract {
        @Override
        protected RunStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcRunStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcRunStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends RunStoreContract {
        @Override
        protected RunStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcRunStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcRunStore(store.fresh());
        }
    }
}
