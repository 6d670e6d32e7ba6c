package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.DeltaStoreContract;
import io.verdict.scheduler.runs.DeltaStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** DeltaStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcDeltaStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends DeltaStoreContract {
        @Override
        protected DeltaStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcDeltaStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcDeltaStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends DeltaStoreContract {
        @Override
        protected DeltaStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcDeltaStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcDeltaStore(store.fresh());
        }
    }
}
