package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.RunEventLogContract;
import io.verdict.scheduler.events.RunEventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

/** RunEventLogContract on SQLite and on the real PostgreSQL server (delivery by polling every 20 ms). */
class JdbcRunEventLogContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends RunEventLogContract {
        @Override
        protected RunEventLog newLog() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcRunEventLogContractTest.class);
            return new JdbcRunEventLog(sqlite.fresh(), Clock.tickMillis(ZoneOffset.UTC), Duration.ofMillis(20));
        }

        @Override
        protected Duration quietPeriod() {
            return Duration.ofMillis(200);
        }
    }

    @Nested
    class OnPostgres extends RunEventLogContract {
        @Override
        protected RunEventLog newLog() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcRunEventLogContractTest.class);
            return new JdbcRunEventLog(postgres.fresh(), Clock.tickMillis(ZoneOffset.UTC), Duration.ofMillis(20));
        }

        @Override
        protected Duration quietPeriod() {
            return Duration.ofMillis(200);
        }
    }
}
