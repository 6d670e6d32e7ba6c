package io.verdict.scheduler;

import io.verdict.scheduler.contracts.TwoInstancesScenario;
import io.verdict.scheduler.inmemory.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Two scheduler instances on one store: what one indexes or removes, the other's planner uses after following. */
class IndexAcrossInstancesTest {
    static final String PURL = TwoInstancesScenario.PURL;
    static final String D1 = TwoInstancesScenario.D1;

    @Test
    void twoInstancesOnOneInMemoryStoreShareTheirImageChanges() {
        ManualClock clock = ManualClock.at("2025-10-26T14:05:11Z");
        Storage storage = Storage.inMemory(clock);
        try (Scheduler a = Scheduler.builder().clock(clock).storage(storage).instanceId("a").build();
             Scheduler b = Scheduler.builder().clock(clock).storage(storage).instanceId("b").build()) {
            TwoInstancesScenario.indexedAndRemovedImagesReachTheOtherInstance(a, b);
        }
    }

    @Test
    void theOtherInstanceFollowsOnItsOwnWithinTheFollowPeriod() throws Exception {
        Storage storage = Storage.inMemory(java.time.Clock.systemUTC());
        try (Scheduler a = Scheduler.builder().storage(storage).instanceId("a").build();
             Scheduler b = Scheduler.builder().storage(storage).instanceId("b").role(SchedulerRole.API)
                     .indexFollowPeriod(Duration.ofMillis(50)).build()) {
            b.start(0);
            a.indexImage(TwoInstancesScenario.image(D1, PURL));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (TwoInstancesScenario.impacted(b, PURL) == 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(TwoInstancesScenario.impacted(b, PURL)).isEqualTo(1);
        }
    }

    @Test
    void anInstanceStartedLaterLoadsWhatTheOthersIndexed() {
        ManualClock clock = ManualClock.at("2025-10-26T14:05:11Z");
        Storage storage = Storage.inMemory(clock);
        try (Scheduler a = Scheduler.builder().clock(clock).storage(storage).instanceId("a").build()) {
            a.indexImage(TwoInstancesScenario.image(D1, PURL));
            try (Scheduler b = Scheduler.builder().clock(clock).storage(storage).instanceId("b").build()) {
                assertThat(TwoInstancesScenario.impacted(b, PURL)).isEqualTo(1);
                assertThat(b.refreshIndex()).as("the loaded state is current").isZero();
            }
        }
    }
}
