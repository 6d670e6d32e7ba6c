package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.ScheduleStoreContract;
import io.verdict.scheduler.schedules.ScheduleStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** ScheduleStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcScheduleStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends ScheduleStoreContract {
        @Override
        protected ScheduleStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcScheduleStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcScheduleStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends ScheduleStoreContract {
        @Override
        protected ScheduleStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcScheduleStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcScheduleStore(store.fresh());
        }
    }
}
