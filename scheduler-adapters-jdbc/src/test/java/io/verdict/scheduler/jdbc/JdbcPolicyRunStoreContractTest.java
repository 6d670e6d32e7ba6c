package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.PolicyRunStoreContract;
import io.verdict.scheduler.policy.PolicyRunStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** PolicyRunStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcPolicyRunStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends PolicyRunStoreContract {
        @Override
        protected PolicyRunStore newStore() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcPolicyRunStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcPolicyRunStore(store.fresh());
        }
    }

    @Nested
    class OnPostgres extends PolicyRunStoreContract {
        @Override
        protected PolicyRunStore newStore() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcPolicyRunStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcPolicyRunStore(store.fresh());
        }
    }
}
