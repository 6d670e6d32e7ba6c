package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.QueueContract;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.queue.SegmentQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

import java.time.Duration;
import java.time.Instant;

/** QueueContract on SQLite and on the real PostgreSQL server, time from a manual clock. */
class JdbcSegmentQueueContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends QueueContract {
        private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));

        @Override
        protected SegmentQueue newQueue() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcSegmentQueueContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcSegmentQueue(store.fresh(), clock);
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
    class OnPostgres extends QueueContract {
        private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));

        @Override
        protected SegmentQueue newQueue() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcSegmentQueueContractTest.class);
            TestDatabase store = postgres;
            return new JdbcSegmentQueue(store.fresh(), clock);
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
