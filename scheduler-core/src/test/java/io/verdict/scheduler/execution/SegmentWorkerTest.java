package io.verdict.scheduler.execution;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.inmemory.InMemoryNotifier;
import io.verdict.scheduler.inmemory.InMemorySegmentQueue;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.retry.RetryWindows;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentWorkerTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");
    private static final Set<String> OPENSSL = Set.of("pkg:deb/debian/openssl@3.0.11-1");
    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8), 0.2, 3, Duration.ofMillis(100));

    private final ManualClock clock = new ManualClock(T0);
    private final InMemorySegmentQueue queue = new InMemorySegmentQueue(clock);
    private final InMemoryNotifier notifier = new InMemoryNotifier();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** A scanner answering with a new critical finding for every image, through {@code behaviour}. */
    private Scanner scanner(Function<ScanRequest, ScanReport> behaviour) {
        return req -> {
            calls.computeIfAbsent(req.imageDigest(), d -> new AtomicInteger()).incrementAndGet();
            return behaviour.apply(req);
        };
    }

    private static ScanReport newCritical(ScanRequest req) {
        return new ScanReport("r-" + req.imageDigest().substring(7, 15), req.imageDigest(), "fail",
                List.of(new Finding("CVE-2025-0001", "pkg:deb/debian/openssl@3.0.11-1", Severity.CRITICAL, false,
                        FindingStatus.AFFECTED)), T0);
    }

    private io.verdict.scheduler.Storage storage;

    private Scheduler scheduler(Scanner scanner) {
        storage = io.verdict.scheduler.Storage.inMemory(clock);
        Scheduler s = Scheduler.builder().clock(clock).seed(5).storage(storage).queue(queue).notifier(notifier).scanner(scanner)
                .segmentSize(10).leaseTime(Duration.ofSeconds(30)).retryPolicy(RETRY).build();
        TestEstate.images("acme", 60).forEach(s::indexImage);
        return s;
    }

    private static void drain(SegmentWorker w) throws InterruptedException {
        while (w.runOnce()) { /* until the queue has nothing ready */ }
    }

    @Test
    void runCompletesEvaluatingEveryTargetOnceAndRecordsDeltas() throws Exception {
        Scheduler s = scheduler(scanner(SegmentWorkerTest::newCritical));
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        drain(s.newWorker("w1"));

        Run run = s.run("acme", p.run().id());
        RunStats stats = s.stats(run);
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        assertThat(stats.completed()).isEqualTo(30);
        assertThat(stats.deltas()).isEqualTo(30);
        assertThat(stats.severity().newCriticals()).isEqualTo(30);
        assertThat(calls).hasSize(30).allSatisfy((d, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(s.deltas(run)).hasSize(30).allSatisfy(d -> assertThat(d.severity().newCriticals()).isEqualTo(1));
        assertThat(notifier.published()).extracting(e -> e.kind())
                .contains("scheduler.run.started", "scheduler.run.completed")
                .filteredOn("scheduler.rescan.delta"::equals).hasSize(30);
        List<RunEventRecord> events = storage.events().after(run.id(), 0, 1000);
        assertThat(events).extracting(RunEventRecord::seq).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(events.size() - 2).event().kind()).isEqualTo("stateChanged");
    }

    @Test
    void unchangedVerdictIsNoDelta() throws Exception {
        Scheduler s = scheduler(scanner(SegmentWorkerTest::newCritical));
        for (int i = 0; i < 60; i++) {
            storage.verdicts().save("acme", newCritical(new ScanRequest("acme", TestEstate.digest(i), null, null)));
        }
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        drain(s.newWorker("w1"));
        assertThat(s.stats(s.run("acme", p.run().id())).deltas()).isZero();
    }

    @Test
    void timeoutsRetryInDeterministicWindowsThenComplete() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        Scheduler s = scheduler(scanner(req -> {
            if (req.imageDigest().equals(TestEstate.digest(0)) && failuresLeft.getAndDecrement() > 0) {
                throw new ScannerException.Timeout("slow");
            }
            return newCritical(req);
        }));
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        SegmentWorker w = s.newWorker("w1");
        drain(w);
        Segment first = s.segments(p.run()).get(0);
        assertThat(first.state()).isEqualTo(SegmentState.QUEUED);
        assertThat(first.error().code()).isEqualTo(ErrorCode.ERR_RUN_005);
        Duration window = RetryWindows.delay(p.run().id(), 0, 1, RETRY);
        assertThat(first.nextAttemptAt()).isEqualTo(T0.plus(window));

        clock.advance(window.minusMillis(1));
        assertThat(w.runOnce()).as("not before its window").isFalse();
        clock.advance(Duration.ofMillis(1));
        drain(w);
        Run run = s.run("acme", p.run().id());
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        assertThat(s.segments(run).get(0).attempt()).isEqualTo(2);
        // The image that answered in the first attempt was not evaluated twice: its delta was reused.
        assertThat(s.stats(run).completed()).isEqualTo(30);
        assertThat(calls.get(TestEstate.digest(2)).get()).isEqualTo(1);
    }

    @Test
    void exhaustedAttemptsMakeTheSegmentDeadAndTheRunErrorAfterOthersFinish() throws Exception {
        Scheduler s = scheduler(scanner(req -> {
            if (req.imageDigest().equals(TestEstate.digest(0))) throw new ScannerException.Timeout("always");
            return newCritical(req);
        }));
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        SegmentWorker w = s.newWorker("w1");
        for (int i = 0; i < 5; i++) {
            drain(w);
            clock.advance(RetryWindows.maxDelay(RETRY));
        }
        Run run = s.run("acme", p.run().id());
        assertThat(run.state()).isEqualTo(RunState.ERROR);
        assertThat(run.error().code()).isEqualTo(ErrorCode.ERR_RUN_006);
        assertThat(run.error().message()).contains("ERR_RUN_005");
        assertThat(s.segments(run).get(0).state()).isEqualTo(SegmentState.DEAD);
        assertThat(s.segments(run).get(0).attempt()).isEqualTo(3);
        assertThat(s.segments(run).subList(1, 3)).allSatisfy(seg -> assertThat(seg.state()).isEqualTo(SegmentState.COMPLETED));
        assertThat(queue.deadLetters("acme", 10)).singleElement()
                .satisfies(d -> assertThat(d.reason()).contains("ERR_RUN_005"));
        assertThat(notifier.published()).extracting(e -> e.kind()).contains("scheduler.run.failed");
    }

    @Test
    void unavailableScannerSlowsDownInsteadOfFailing() throws Exception {
        AtomicInteger busy = new AtomicInteger(3);
        Scheduler s = scheduler(scanner(req -> {
            if (busy.getAndDecrement() > 0) throw new ScannerException.Unavailable("503");
            return newCritical(req);
        }));
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        drain(s.newWorker("w1"));
        Run run = s.run("acme", p.run().id());
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        assertThat(s.segments(run)).allSatisfy(seg -> assertThat(seg.attempt()).isEqualTo(1));
    }

    @Test
    void rejectedTargetCountsAsFailedWithoutFailingTheRun() throws Exception {
        Scheduler s = scheduler(scanner(req -> {
            if (req.imageDigest().equals(TestEstate.digest(4))) throw new ScannerException.Rejected("422 unknown image");
            return newCritical(req);
        }));
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        drain(s.newWorker("w1"));
        Run run = s.run("acme", p.run().id());
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        assertThat(s.stats(run).failed()).isEqualTo(1);
        assertThat(s.stats(run).completed()).isEqualTo(29);
    }

    @Test
    void cancelDrainsQueuedSegmentsAndNothingOfTheRunExecutesAfterwards() throws Exception {
        Scheduler s = scheduler(scanner(SegmentWorkerTest::newCritical));
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        SegmentWorker w = s.newWorker("w1");
        assertThat(w.runOnce()).isTrue();
        int before = calls.size();
        Run cancelled = s.cancel("acme", p.run().id(), "alice");
        assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
        assertThat(cancelled.error().code()).isEqualTo(ErrorCode.ERR_RUN_007);
        drain(w);
        assertThat(calls).hasSize(before);
        assertThat(s.segments(cancelled)).extracting(Segment::state)
                .containsExactly(SegmentState.COMPLETED, SegmentState.CANCELLED, SegmentState.CANCELLED);
        assertThat(storage.audit().recent("acme", 5)).extracting(a -> a.action()).contains("run.cancel");
    }

    @Test
    void crashedWorkersSegmentIsReclaimedAndItsLateWriteIsRefused() throws Exception {
        Scheduler s = scheduler(scanner(SegmentWorkerTest::newCritical));
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        // Worker A claims segment 0 and "freezes" (a paused JVM): it never finishes.
        Lease a = queue.claim("worker-a", Duration.ofSeconds(30)).orElseThrow();
        Segment held = s.segments(p.run()).get(0);
        Segment stale = storage.segments().update(held.leasedBy("worker-a", a.fencingToken(), a.expiresAt(), T0));
        clock.advance(Duration.ofSeconds(31));

        SegmentWorker b = s.newWorker("worker-b");
        drain(b);
        Run run = s.run("acme", p.run().id());
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        Segment done = s.segments(run).get(0);
        assertThat(done.fencingToken()).isGreaterThan(a.fencingToken());
        assertThat(calls).hasSize(30).allSatisfy((d, n) -> assertThat(n.get()).isEqualTo(1));

        // A wakes up and tries to write its result: refused, the stored result stays B's.
        assertThatThrownBy(() -> storage.segments().update(stale.running(clock.instant())))
                .isInstanceOf(StaleLeaseException.class);
        assertThat(queue.ack(a)).isFalse();
        assertThat(s.segments(run).get(0)).isEqualTo(done);
    }

    @Test
    void simulatedScannerGivesTheSameDeltasWhateverTheFaults() throws Exception {
        SimulatedScanner calm = new SimulatedScanner(9, new SimulatedScanner.Profile(Duration.ZERO, 0, 0, 0, 0.5), clock);
        SimulatedScanner flaky = new SimulatedScanner(9, new SimulatedScanner.Profile(Duration.ZERO, 0.2, 0.01, 0, 0.5), clock);
        assertThat(deltasWith(calm)).isEqualTo(deltasWith(flaky)).isNotEmpty();
    }

    private List<String> deltasWith(SimulatedScanner scanner) throws Exception {
        ManualClock c = new ManualClock(T0);
        io.verdict.scheduler.Storage storage = io.verdict.scheduler.Storage.inMemory(c);
        Scheduler s = Scheduler.builder().clock(c).seed(5).storage(storage).scanner(scanner).segmentSize(10)
                .retryPolicy(new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(2), 0, 50, Duration.ZERO)).build();
        TestEstate.images("acme", 60).forEach(img -> {
            s.indexImage(img);
            storage.verdicts().save("acme", scanner.baseline(img.digest(), T0));
        });
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        SegmentWorker w = s.newWorker("w");
        while (!s.run("acme", p.run().id()).state().isTerminal()) {
            drain(w);
            c.advance(Duration.ofMillis(5));
        }
        assertThat(s.run("acme", p.run().id()).state()).isEqualTo(RunState.COMPLETED);
        return s.deltas(p.run()).stream().map(d -> d.imageDigest() + ":" + d.newFindings() + "/" + d.severity().resolved() + "/" + d.severity().quieted()).toList();
    }

    @Test
    void aSegmentThatKeepsKillingItsWorkersIsBuriedInsteadOfLoopingForever() throws Exception {
        Scheduler s = scheduler(scanner(SegmentWorkerTest::newCritical));
        PlannedRun p = s.plan(PlanRequest.forPurls("acme", Trigger.CONCELIER, OPENSSL, null));
        // Every holder of segment 0 "dies" (claims, never reports) until the lease expires.
        int deliveries = 0;
        for (int i = 0; i < RETRY.maxAttempts() + SegmentWorker.POISON_MARGIN; i++) {
            Lease l;
            do {
                l = queue.claim("doomed", Duration.ofSeconds(30)).orElseThrow();
                if (l.ref().index() != 0) queue.retryAt(l, T0.plusSeconds(3600));
            } while (l.ref().index() != 0);
            deliveries = l.deliveries();
            clock.advance(Duration.ofSeconds(31));
        }
        assertThat(deliveries).isEqualTo(RETRY.maxAttempts() + SegmentWorker.POISON_MARGIN);
        s.newWorker("w").runOnce();
        Segment seg0 = s.segments(p.run()).get(0);
        assertThat(seg0.state()).isEqualTo(SegmentState.DEAD);
        assertThat(seg0.error().code()).isEqualTo(ErrorCode.ERR_RUN_006);
        assertThat(calls).isEmpty();
        assertThat(queue.deadLetters("acme", 5)).singleElement().satisfies(d -> assertThat(d.reason()).contains("delivered"));
    }
}
