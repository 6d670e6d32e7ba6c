package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.UnitOfWorkContract;
import io.verdict.scheduler.contracts.UnitOfWorkContract.Fixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** UnitOfWorkContract on SQLite and on the real PostgreSQL server: one transaction, all or nothing. */
class JdbcUnitOfWorkContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    private static Fixture fixture(JdbcDatabase db) {
        return new Fixture(new JdbcUnitOfWork(db), new JdbcRunStore(db), new JdbcOutboxStore(db), true);
    }

    @Nested
    class OnSqlite extends UnitOfWorkContract {
        @Override
        protected Fixture newFixture() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcUnitOfWorkContractTest.class);
            return fixture(sqlite.fresh());
        }
    }

    @Nested
    class OnPostgres extends UnitOfWorkContract {
        @Override
        protected Fixture newFixture() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcUnitOfWorkContractTest.class);
            return fixture(postgres.fresh());
        }
    }
}
