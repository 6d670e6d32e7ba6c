package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.CursorStoreContract;
import io.verdict.scheduler.intake.CursorStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** CursorStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcCursorStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends CursorStoreContract {
        @Override
        protected CursorStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcCursorStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcCursorStore(store.fresh(), java.time.Clock.systemUTC());
        }
    }

    @Nested
    class OnPostgres extends CursorStoreContract {
        @Override
        protected CursorStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcCursorStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcCursorStore(store.fresh(), java.time.Clock.systemUTC());
        }
    }
}
