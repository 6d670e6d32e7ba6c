package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.LockContract;
import io.verdict.scheduler.queue.LockService;

import java.time.Duration;
import java.time.Instant;

class InMemoryLockServiceContractTest extends LockContract {
    private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));

    @Override
    protected LockService newLocks() {
        return new InMemoryLockService(clock);
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
