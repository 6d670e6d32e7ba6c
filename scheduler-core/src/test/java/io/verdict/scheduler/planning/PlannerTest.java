package io.verdict.scheduler.planning;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.PlannerLockHeldException;
import io.verdict.scheduler.errors.SchedulerException;
import io.verdict.scheduler.errors.StaleIndexException;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.inmemory.InMemoryLockService;
import io.verdict.scheduler.inmemory.InMemorySegmentQueue;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlannerTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");
    private static final Set<String> OPENSSL = Set.of("pkg:deb/debian/openssl@3.0.11-1");

    private Scheduler scheduler(long seed, ManualClock clock, int segmentSize) {
        Scheduler s = Scheduler.builder().clock(clock).seed(seed).segmentSize(segmentSize).build();
        TestEstate.images("acme", 250).forEach(s::indexImage);
        TestEstate.images("other", 50).forEach(s::indexImage);
        return s;
    }

    @Test
    void sameClockAndSeedGiveByteIdenticalPlans() {
        PlannedRun a = scheduler(42, new ManualClock(T0), 40).plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, RunReason.manual("x", "c")));
        PlannedRun b = scheduler(42, new ManualClock(T0), 40).plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, RunReason.manual("x", "c")));
        assertThat(a.run().id()).isEqualTo(b.run().id()).matches("run:acme:20251026T140511Z:[0-9a-f]{12}");
        assertThat(RunIdGenerator.isValid(a.run().id())).isTrue();
        assertThat(a.run().planDigest()).isEqualTo(b.run().planDigest());
        assertThat(a.segments()).isEqualTo(b.segments());
        PlannedRun c = scheduler(43, new ManualClock(T0), 40).plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, RunReason.manual("x", "c")));
        assertThat(c.run().id()).isNotEqualTo(a.run().id());
        assertThat(c.run().planDigest()).as("digest depends on what is planned, not on the nonce").isEqualTo(a.run().planDigest());
    }

    @Test
    void targetsAreExactlyTheImpactedImagesSortedAndSegmented() {
        PlannedRun p = scheduler(1, new ManualClock(T0), 40).plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        List<String> all = new ArrayList<>();
        p.segments().forEach(s -> all.addAll(s.digests()));
        assertThat(all).hasSize(125).isSorted().doesNotHaveDuplicates();
        assertThat(p.segments()).hasSize(4);
        assertThat(p.segments()).extracting(Segment::size).containsExactly(40, 40, 40, 5);
        assertThat(p.run().state()).isEqualTo(RunState.QUEUED);
        assertThat(p.run().candidates()).isEqualTo(125);
        assertThat(p.run().shardCount()).isEqualTo(4);
    }

    @Test
    void priorityPurlsGoFirst() {
        Scheduler s = scheduler(1, new ManualClock(T0), 10);
        Set<String> log4j = Set.of("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        PlanRequest req = PlanRequest.forPurls("acme", Trigger.CONCELIER,
                Set.of("pkg:deb/debian/openssl@3.0.11-1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"), null)
                .withPriority(log4j);
        PlannedRun p = s.plan(req);
        Set<String> log4jImages = new java.util.HashSet<>();
        s.preview(PlanRequest.forPurls("acme", Trigger.CONCELIER, log4j, null)).images().forEach(i -> log4jImages.add(i.imageDigest()));
        int urgentSegments = (log4jImages.size() + 9) / 10;
        for (int i = 0; i < urgentSegments - 1; i++) assertThat(log4jImages).containsAll(p.segments().get(i).digests());
    }

    @Test
    void nothingToDoCompletesAtOnceAsNoWork() {
        PlannedRun p = scheduler(1, new ManualClock(T0), 40).plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, Set.of("pkg:npm/nothing@1"), null));
        assertThat(p.run().state()).isEqualTo(RunState.COMPLETED);
        assertThat(p.segments()).isEmpty();
        assertThat(p.run().startedAt()).isEqualTo(p.run().finishedAt()).isEqualTo(T0);
    }

    @Test
    void heldPlannerLockIsErrRun001() {
        ManualClock clock = new ManualClock(T0);
        InMemoryLockService locks = new InMemoryLockService(clock);
        Scheduler s = Scheduler.builder().clock(clock).seed(1).locks(locks).build();
        locks.tryAcquire("planner:acme", "someone-else", Duration.ofMinutes(1));
        assertThatThrownBy(() -> s.plan(PlanRequest.forPurls("acme", Trigger.MANUAL, OPENSSL, null)))
                .isInstanceOf(PlannerLockHeldException.class)
                .extracting(e -> ((SchedulerException) e).code()).isEqualTo(ErrorCode.ERR_RUN_001);
        // Other tenants are not blocked.
        assertThat(s.plan(PlanRequest.forPurls("other", Trigger.MANUAL, OPENSSL, null)).run()).isNotNull();
    }

    @Test
    void staleIndexIsErrRun009() {
        ManualClock clock = new ManualClock(T0);
        Scheduler s = Scheduler.builder().clock(clock).seed(1).maxIndexAge(Duration.ofHours(1)).build();
        TestEstate.images("acme", 10).forEach(s::indexImage);
        clock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null)))
                .isInstanceOf(StaleIndexException.class)
                .extracting(e -> ((SchedulerException) e).code()).isEqualTo(ErrorCode.ERR_RUN_009);
        s.markIndexRefreshed();
        assertThat(s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null)).segments()).isNotEmpty();
    }

    @Test
    void selectorForAnotherTenantIsErrRun002() {
        Scheduler s = scheduler(1, new ManualClock(T0), 40);
        assertThatThrownBy(() -> s.plan(PlanRequest.sweep("acme", Trigger.MANUAL, Mode.ANALYSIS_ONLY,
                Selector.allImages("other"), null, null)))
                .extracting(e -> ((SchedulerException) e).code()).isEqualTo(ErrorCode.ERR_RUN_002);
    }

    @Test
    void imagesInFlightForTheSameExportAreNotQueuedTwice() {
        Scheduler s = scheduler(1, new ManualClock(T0), 40);
        RunReason reason = new RunReason(null, "export-1", null, null, null, null, null, null);
        PlannedRun first = s.plan(new PlanRequest("acme", Trigger.CONCELIER, null, null, OPENSSL, false, false, reason, null, null, null, null));
        PlannedRun again = s.plan(new PlanRequest("acme", Trigger.CONCELIER, null, null, OPENSSL, false, false, reason, null, null, null, null));
        assertThat(first.run().deduped()).isEqualTo(125);
        assertThat(again.run().candidates()).isEqualTo(125);
        assertThat(again.run().deduped()).isZero();
        RunReason other = new RunReason(null, "export-2", null, null, null, null, null, null);
        assertThat(s.plan(new PlanRequest("acme", Trigger.CONCELIER, null, null, OPENSSL, false, false, other, null, null, null, null))
                .run().deduped()).isEqualTo(125);
    }

    @Test
    void segmentsAreQueuedForWorkers() {
        ManualClock clock = new ManualClock(T0);
        InMemorySegmentQueue queue = new InMemorySegmentQueue(clock);
        Scheduler s = Scheduler.builder().clock(clock).seed(1).queue(queue).segmentSize(50).build();
        TestEstate.images("acme", 250).forEach(s::indexImage);
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        List<Integer> claimed = new ArrayList<>();
        for (Lease l; (l = queue.claim("w", Duration.ofSeconds(5)).orElse(null)) != null; ) claimed.add(l.ref().index());
        assertThat(claimed).containsExactly(0, 1, 2);
        assertThat(p.segments()).hasSize(3);
    }
}
