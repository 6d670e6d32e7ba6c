package io.verdict.scheduler.mongo;

import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.contracts.QueueContract;
import io.verdict.scheduler.queue.SegmentQueue;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.time.Instant;

class MongoSegmentQueueContractTest extends QueueContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoSegmentQueueContractTest.class);
    private final ManualClock clock = new ManualClock(Instant.parse("2025-10-26T14:05:11Z"));

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected SegmentQueue newQueue() {
        return new MongoSegmentQueue(DB.fresh(), clock);
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
