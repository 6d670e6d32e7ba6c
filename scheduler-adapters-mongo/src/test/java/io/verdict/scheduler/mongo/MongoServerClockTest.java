package io.verdict.scheduler.mongo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server clock follows the database server's time, not the local one. The test server runs in this JVM,
 * so "server time" is the real wall clock and a skewed local clock is simulated.
 */
class MongoServerClockTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoServerClockTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Test
    void aNodeWhoseClockIsAnHourBehindStillReadsTheServersTime() {
        long skew = Duration.ofHours(1).toMillis();
        MongoServerClock clock = new MongoServerClock(DB.db(), Duration.ofSeconds(30),
                () -> System.currentTimeMillis() - skew);
        assertThat(clock.offsetMillis()).isBetween(skew - 2_000, skew + 2_000);
        assertThat(clock.millis()).isBetween(System.currentTimeMillis() - 2_000, System.currentTimeMillis() + 2_000);
    }

    @Test
    void itNeverGoesBackwardsWhenTheLocalClockIsSteppedBack() {
        AtomicLong local = new AtomicLong(System.currentTimeMillis());
        MongoServerClock clock = new MongoServerClock(DB.db(), Duration.ofHours(1), local::get);
        long first = clock.millis();
        local.addAndGet(-5_000); // an NTP step between two resyncs
        assertThat(clock.millis()).isGreaterThanOrEqualTo(first);
        local.addAndGet(6_000);
        assertThat(clock.millis()).isGreaterThan(first);
    }

    @Test
    void instantsHaveMillisecondPrecisionLikeStoredDates() {
        MongoServerClock clock = new MongoServerClock(DB.db());
        assertThat(clock.instant().getNano() % 1_000_000).isZero();
    }
}
