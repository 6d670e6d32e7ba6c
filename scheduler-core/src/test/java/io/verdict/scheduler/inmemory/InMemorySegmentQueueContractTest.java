package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.contracts.QueueContract;
import io.verdict.scheduler.queue.SegmentQueue;

import java.time.Duration;
import java.time.Instant;

class InMemorySegmentQueueContractTest extends QueueContract {
    private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));

    @Override
    protected SegmentQueue newQueue() {
        return new InMemorySegmentQueue(clock);
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
