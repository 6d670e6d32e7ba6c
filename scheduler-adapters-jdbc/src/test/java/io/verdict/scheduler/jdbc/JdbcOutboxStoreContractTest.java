package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.contracts.OutboxStoreContract;
import io.verdict.scheduler.events.outbox.OutboxStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** OutboxStoreContract on SQLite and on the real PostgreSQL server. */
class JdbcOutboxStoreContractTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    @Nested
    class OnSqlite extends OutboxStoreContract {
        @Override
        protected OutboxStore newOutbox() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcOutboxStoreContractTest.class);
            TestDatabase store = sqlite;
            return new JdbcOutboxStore(store.fresh());
        }

        @org.junit.jupiter.api.Test
        void releasingLeasesMakesAKilledClaimersEntriesDueAtOnce() {
            JdbcOutboxStore jdbc = (JdbcOutboxStore) outbox;
            var e = jdbc.append("run-1", envelope("acme", "run-1", "scheduler.run.started", null), T0);
            org.assertj.core.api.Assertions.assertThat(jdbc.claim(T0, LEASE, 10)).hasSize(1);
            org.assertj.core.api.Assertions.assertThat(jdbc.claim(T0.plusSeconds(1), LEASE, 10)).isEmpty();
            org.assertj.core.api.Assertions.assertThat(jdbc.releaseLeases(T0.plusSeconds(1))).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThat(jdbc.claim(T0.plusSeconds(1), LEASE, 10))
                    .extracting(io.verdict.scheduler.events.outbox.OutboxEntry::id).containsExactly(e.id());
        }
    }

    @Nested
    class OnPostgres extends OutboxStoreContract {
        @Override
        protected OutboxStore newOutbox() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcOutboxStoreContractTest.class);
            TestDatabase store = postgres;
            return new JdbcOutboxStore(store.fresh());
        }
    }
}
