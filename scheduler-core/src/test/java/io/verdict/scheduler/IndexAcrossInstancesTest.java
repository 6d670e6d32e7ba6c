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

    @Test
    void anInstanceLoadingItsIndexInTheBackgroundAnswersFromTheLoadedIndexOnly() throws Exception {
        ManualClock clock = ManualClock.at("2025-10-26T14:05:11Z");
        Storage storage = Storage.inMemory(clock);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        io.verdict.scheduler.impact.ImageStore images = storage.images();
        // The image store's snapshot read blocks until released: the load is still running meanwhile.
        io.verdict.scheduler.impact.ImageStore slow = new io.verdict.scheduler.impact.ImageStore() {
            public void save(io.verdict.scheduler.impact.ImageRecord image) { images.save(image); }
            public boolean delete(String tenantId, String digest) { return images.delete(tenantId, digest); }
            public java.util.List<io.verdict.scheduler.impact.ImageRecord> loadAll() {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return images.loadAll();
            }
            public java.util.List<io.verdict.scheduler.impact.ImageChange> changesAfter(java.time.Instant at, long seq, int limit) {
                return images.changesAfter(at, seq, limit);
            }
        };
        Storage slowStorage = new Storage(storage.runs(), storage.segments(), storage.deltas(), storage.verdicts(), slow,
                storage.schedules(), storage.cursors(), storage.audit(), storage.events(), storage.progress(),
                storage.advisories(), storage.policyRuns());
        try (Scheduler a = Scheduler.builder().clock(clock).storage(storage).instanceId("a").build()) {
            a.indexImage(TwoInstancesScenario.image(D1, PURL));
            try (Scheduler b = Scheduler.builder().clock(clock).storage(slowStorage).instanceId("b")
                    .loadIndexInBackground(true).build()) {
                assertThat(b.indexLoaded()).isFalse();
                b.loadIndexInBackground();
                var impacted = java.util.concurrent.CompletableFuture.supplyAsync(() -> TwoInstancesScenario.impacted(b, PURL));
                Thread.sleep(100);
                assertThat(impacted).as("a preview waits for the load instead of answering from an empty index").isNotDone();
                release.countDown();
                assertThat(impacted.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(b.indexLoaded()).isTrue();
            }
        }
    }
}
