package io.verdict.scheduler.mongo;

import io.verdict.scheduler.contracts.LockContract;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.queue.LockService;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.time.Instant;

class MongoLockServiceContractTest extends LockContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoLockServiceContractTest.class);
    private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected LockService newLocks() {
        return new MongoLockService(DB.fresh(), clock);
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
