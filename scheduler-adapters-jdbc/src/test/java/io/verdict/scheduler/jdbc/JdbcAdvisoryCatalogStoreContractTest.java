package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.AdvisoryCatalogStoreContract;
import io.verdict.scheduler.intake.AdvisoryCatalogStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** AdvisoryCatalogStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcAdvisoryCatalogStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends AdvisoryCatalogStoreContract {
        @Override
        protected AdvisoryCatalogStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcAdvisoryCatalogStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcAdvisoryCatalogStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends AdvisoryCatalogStoreContract {
        @Override
        protected AdvisoryCatalogStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcAdvisoryCatalogStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcAdvisoryCatalogStore(store.fresh());
        }
    }
}
