package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.schedules.TickLedgerContract;
import io.verdict.scheduler.schedules.TickLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** TickLedgerContract on SQLite and on the real PostgreSQL server. */
class JdbcTickLedgerContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends TickLedgerContract {
        @Override
        protected TickLedger ledger() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcTickLedgerContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcTickLedger(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends TickLedgerContract {
        @Override
        protected TickLedger ledger() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcTickLedgerContractTest.class);
            TestDatabase store = postgres;
            return new JdbcTickLedger(store.fresh());
        }
    }
}
