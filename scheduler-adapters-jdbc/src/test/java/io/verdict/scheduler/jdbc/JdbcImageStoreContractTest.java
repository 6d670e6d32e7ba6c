package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.ImageStoreContract;
import io.verdict.scheduler.impact.ImageStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** ImageStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcImageStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends ImageStoreContract {
        @Override
        protected ImageStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcImageStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcImageStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends ImageStoreContract {
        @Override
        protected ImageStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcImageStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcImageStore(store.fresh());
        }
    }
}
