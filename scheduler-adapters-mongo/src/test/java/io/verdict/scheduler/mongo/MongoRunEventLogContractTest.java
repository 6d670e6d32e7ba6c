package io.verdict.scheduler.mongo;

import io.verdict.scheduler.contracts.RunEventLogContract;
import io.verdict.scheduler.events.RunEventLog;
import org.junit.jupiter.api.AfterAll;

import java.time.Clock;
import java.time.Duration;

class MongoRunEventLogContractTest extends RunEventLogContract {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoRunEventLogContractTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Override
    protected RunEventLog newLog() {
        return new MongoRunEventLog(DB.fresh(), Clock.tickMillis(java.time.ZoneOffset.UTC), Duration.ofMillis(20));
    }

    /** Delivery is by polling: wait a few poll intervals before concluding nothing more arrives. */
    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(200);
    }
}
