package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.LockContract;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.queue.LockService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

import java.time.Duration;
import java.time.Instant;

/** LockContract on SQLite and on the real PostgreSQL server, time from a manual clock. */
class JdbcLockServiceContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends LockContract {
        private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));

        @Override
        protected LockService newLocks() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcLockServiceContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcLockService(store.fresh(), clock);
        }

        @Override
        protected void advance(Duration d) {
            clock.advance(d);
        }

        @Override
        protected Instant now() {
            return clock.instant();
        }
    }

    @Nested
    class OnPostgres extends LockContract {
        private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));

        @Override
        protected LockService newLocks() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcLockServiceContractTest.class);
            TestDatabase store = postgres;
            return new JdbcLockService(store.fresh(), clock);
        }

        @Override
        protected void advance(Duration d) {
            clock.advance(d);
        }

        @Override
        protected Instant now() {
            return clock.instant();
        }
    }
}
