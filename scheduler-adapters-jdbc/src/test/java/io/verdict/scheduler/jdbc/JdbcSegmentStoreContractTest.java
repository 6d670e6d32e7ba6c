package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.SegmentStoreContract;
import io.verdict.scheduler.runs.SegmentStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** SegmentStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcSegmentStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends SegmentStoreContract {
        @Override
        protected SegmentStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcSegmentStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcSegmentStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends SegmentStoreContract {
        @Override
        protected SegmentStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcSegmentStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcSegmentStore(store.fresh());
        }
    }
}
