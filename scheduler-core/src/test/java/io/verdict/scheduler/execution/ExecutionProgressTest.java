package io.verdict.scheduler.execution;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.retry.RetryWindows;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SegmentStore;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.Schedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** What the console sees while segments run: true progress, failures, cancellations, and the limits honoured. */
class ExecutionProgressTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");
    private static final Set<String> OPENSSL = Set.of("pkg:deb/debian/openssl@3.0.11-1");
    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8), 0.2, 3, Duration.ofMillis(100));

    private final ManualClock clock = new ManualClock(T0);

    private static ScanReport newCritical(ScanRequest req) {
        return new ScanReport("r-" + req.imageDigest().substring(7, 15), req.imageDigest(), "fail",
                List.of(new Finding("CVE-2025-0001", "pkg:deb/debian/openssl@3.0.11-1", Severity.CRITICAL, false,
                        FindingStatus.AFFECTED)), T0);
    }

    private Scheduler scheduler(Storage storage, Scanner scanner, int segmentSize, int images) {
        Scheduler s = Scheduler.builder().clock(clock).seed(5).storage(storage).scanner(scanner)
                .segmentSize(segmentSize).leaseTime(Duration.ofSeconds(30)).retryPolicy(RETRY).build();
        TestEstate.images("acme", images).forEach(s::indexImage);
        return s;
    }

    private Scheduler scheduler(Scanner scanner, int segmentSize, int images) {
        return scheduler(Storage.inMemory(clock), scanner, segmentSize, images);
    }

    private static PlannedRun planAll(Scheduler s, String tenant, String scheduleId) {
        return s.plan(PlanRequest.sweep(tenant, Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages(tenant),
                RunReason.manual("test", null), scheduleId));
    }

    private static List<RunEvent.SegmentProgress> progressEvents(Scheduler s, String runId) {
        return s.queries().events().after(runId, 0, 10_000).stream().map(RunEventRecord::event)
                .filter(e -> e instanceof RunEvent.SegmentProgress).map(e -> (RunEvent.SegmentProgress) e).toList();
    }

    /** A scanner that stops at {@code stopAt} until released, telling the test when it got there. */
    private static final class GateScanner implements Scanner {
        final String stopAt;
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        GateScanner(String stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public ScanReport analyze(ScanRequest req) {
            calls.incrementAndGet();
            if (req.imageDigest().equals(stopAt)) {
                arrived.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return newCritical(req);
        }
    }

    @Test
    void progressAdvancesPerBatchWhileTheSegmentIsStillRunning() throws Exception {
        int b = SegmentWorker.BATCH;
        GateScanner gate = new GateScanner(TestEstate.digest(2 * b + b / 2)); // in the third batch
        Scheduler s = scheduler(gate, 4 * b, 4 * b);
        PlannedRun p = planAll(s, "acme", null);
        assertThat(p.segments()).hasSize(1);
        Thread worker = Thread.ofPlatform().start(() -> {
            try {
                s.newWorker("w1").runOnce();
            } catch (InterruptedException ignored) {
            }
        });
        assertThat(gate.arrived.await(10, TimeUnit.SECONDS)).isTrue();
        RunStats midway = s.stats(s.run("acme", p.run().id()));
        assertThat(midway.processed()).as("two batches reported, one segment still running").isEqualTo(2 * b);
        assertThat(midway.completed()).isEqualTo(2 * b);
        assertThat(midway.deltas()).isEqualTo(2 * b);
        assertThat(midway.queued()).isEqualTo(4 * b);
        assertThat(progressEvents(s, p.run().id())).filteredOn(e -> e.state() == SegmentState.RUNNING && e.processed() > 0)
                .extracting(RunEvent.SegmentProgress::runProcessed).containsExactly(b, 2 * b);

        gate.release.countDown();
        worker.join(10_000);
        Run done = s.run("acme", p.run().id());
        assertThat(done.state()).isEqualTo(RunState.COMPLETED);
        assertThat(s.stats(done).completed()).isEqualTo(4 * b);
        assertThat(s.stats(done).queued()).isZero();
    }

    @Test
    void segmentProgressNeverReportsNegativeOrMoreThanTheRunHas() throws Exception {
        Scheduler s = scheduler(ExecutionProgressTest::newCritical, 10, 60);
        PlannedRun p = planAll(s, "acme", null);
        s.startWorkers(3);
        Run done = s.awaitTerminal("acme", p.run().id(), Duration.ofSeconds(20));
        s.close();
        assertThat(done.state()).isEqualTo(RunState.COMPLETED);
        List<RunEvent.SegmentProgress> events = progressEvents(s, p.run().id());
        assertThat(events).isNotEmpty().allSatisfy(e -> {
            assertThat(e.runProcessed()).isBetween(0, e.runTotal());
            assertThat(e.processed()).isBetween(0, e.total());
        });
        assertThat(events.stream().mapToInt(RunEvent.SegmentProgress::runProcessed).max().orElseThrow()).isEqualTo(60);
    }

    @Test
    void aRunInErrorShowsItsFailedTargetsNotFullProgress() throws Exception {
        Scheduler s = scheduler(req -> {
            if (req.imageDigest().equals(TestEstate.digest(0))) throw new ScannerException.Timeout("always");
            return newCritical(req);
        }, 10, 60);
        PlannedRun p = planAll(s, "acme", null);
        SegmentWorker w = s.newWorker("w1");
        for (int i = 0; i < 5; i++) {
            while (w.runOnce()) { }
            clock.advance(RetryWindows.maxDelay(RETRY));
        }
        Run run = s.run("acme", p.run().id());
        assertThat(run.state()).isEqualTo(RunState.ERROR);
        RunStats st = s.stats(run);
        assertThat(st.failed()).as("the dead segment's targets").isEqualTo(10);
        assertThat(st.completed()).isEqualTo(50);
        assertThat(st.queued()).isZero();
        assertThat(st.cancelled()).isZero();
        assertThat(s.backlog()).isEmpty();
    }

    @Test
    void aCancelledRunShowsItsCancelledSegmentsNotQueued() throws Exception {
        Scheduler s = scheduler(ExecutionProgressTest::newCritical, 10, 60);
        PlannedRun p = planAll(s, "acme", null);
        SegmentWorker w = s.newWorker("w1");
        assertThat(w.runOnce()).isTrue();
        assertThat(s.backlog()).singleElement().satisfies(b -> {
            assertThat(b.pendingSegments()).isEqualTo(5);
            assertThat(b.pendingTargets()).isEqualTo(50);
        });
        Run cancelled = s.cancel("acme", p.run().id(), "alice");
        while (w.runOnce()) { }
        RunStats st = s.stats(cancelled);
        assertThat(st.completed()).isEqualTo(10);
        assertThat(st.cancelled()).isEqualTo(50);
        assertThat(st.queued()).isZero();
        assertThat(s.backlog()).as("a cancelled run leaves the backlog").isEmpty();
    }

    @Test
    void cancellationIsSeenWithinOneBatchAndKeepsWhatWasEvaluated() throws Exception {
        int b = SegmentWorker.BATCH;
        GateScanner gate = new GateScanner(TestEstate.digest(b + b / 5)); // in the second batch
        Scheduler s = scheduler(gate, 4 * b, 4 * b);
        PlannedRun p = planAll(s, "acme", null);
        Thread worker = Thread.ofPlatform().start(() -> {
            try {
                s.newWorker("w1").runOnce();
            } catch (InterruptedException ignored) {
            }
        });
        assertThat(gate.arrived.await(10, TimeUnit.SECONDS)).isTrue();
        s.cancel("acme", p.run().id(), "alice");
        gate.release.countDown();
        worker.join(10_000);
        assertThat(gate.calls.get()).as("stopped at the end of the batch it was in").isEqualTo(2 * b);
        Segment seg = s.segments(p.run()).get(0);
        assertThat(seg.state()).isEqualTo(SegmentState.CANCELLED);
        RunStats st = s.stats(s.run("acme", p.run().id()));
        assertThat(st.completed()).isEqualTo(2 * b);
        assertThat(st.cancelled()).isEqualTo(2 * b);
        assertThat(s.deltas(p.run())).hasSize(2 * b);
    }

    @Test
    void theWorkerReadsTheRunOncePerSegmentAndSegmentEventsDoNotScanTheRun() throws Exception {
        Storage mem = Storage.inMemory(clock);
        AtomicInteger runReads = new AtomicInteger();
        AtomicInteger segmentScans = new AtomicInteger();
        RunStore runs = new RunStore() {
            public void insert(Run run) { mem.runs().insert(run); }
            public Optional<Run> find(String runId) { runReads.incrementAndGet(); return mem.runs().find(runId); }
            public Run update(Run updated) { return mem.runs().update(updated); }
            public Page<Run> list(RunFilter f, String c, int l) { return mem.runs().list(f, c, l); }
            public List<Run> active() { return mem.runs().active(); }
        };
        SegmentStore segments = new SegmentStore() {
            public void insertAll(List<Segment> s) { mem.segments().insertAll(s); }
            public Optional<Segment> find(String runId, int index) { return mem.segments().find(runId, index); }
            public List<Segment> forRun(String runId) { segmentScans.incrementAndGet(); return mem.segments().forRun(runId); }
            public Segment update(Segment updated) { return mem.segments().update(updated); }
            public long maxFencingToken() { return mem.segments().maxFencingToken(); }
        };
        Storage counted = new Storage(runs, segments, mem.deltas(), mem.verdicts(), mem.images(), mem.schedules(),
                mem.cursors(), mem.audit(), mem.events(), mem.progress(), mem.advisories(), mem.policyRuns());
        Scheduler s = scheduler(counted, ExecutionProgressTest::newCritical, 100, 300);
        PlannedRun p = planAll(s, "acme", null);
        runReads.set(0);
        segmentScans.set(0);
        SegmentWorker w = s.newWorker("w1");
        while (w.runOnce()) { }
        assertThat(s.run("acme", p.run().id()).state()).isEqualTo(RunState.COMPLETED);
        // 3 segments x 100 targets: a handful of run reads per segment (never one per target), and the run's
        // segments are read once, when the last one ends.
        assertThat(runReads.get()).isLessThanOrEqualTo(3 * 6);
        assertThat(segmentScans.get()).isEqualTo(1);
    }

    private static Schedule schedule(String tenant, String id, Schedule.Limits limits) {
        return new Schedule(id, tenant, "schedule " + id, true, "0 3 * * *", "UTC", Mode.ANALYSIS_ONLY,
                Selector.allImages(tenant), null, null, limits, null, T0, "alice", T0, "alice", null, null, 1);
    }

    /** Records how many segments are being scanned at the same moment (each segment is scanned by one thread). */
    private static Scanner concurrencyProbe(Function<String, Integer> segmentOf, AtomicInteger maxConcurrent) {
        Map<Integer, Integer> active = new ConcurrentHashMap<>();
        return req -> {
            int seg = segmentOf.apply(req.imageDigest());
            active.merge(seg, 1, Integer::sum);
            maxConcurrent.accumulateAndGet(active.size(), Math::max);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            active.computeIfPresent(seg, (k, v) -> v == 1 ? null : v - 1);
            return newCritical(req);
        };
    }

    private int maxSegmentsInFlight(Schedule.Limits limits) throws Exception {
        AtomicInteger max = new AtomicInteger();
        // 40 images in segments of 5: image i is in segment i / 5 (digests sort like their numbers).
        Scanner probe = concurrencyProbe(d -> Integer.parseInt(d.substring(7), 16) / 5, max);
        Storage mem = Storage.inMemory(java.time.Clock.systemUTC());
        Scheduler s = Scheduler.builder().storage(mem).seed(5).scanner(probe).segmentSize(5).leaseTime(Duration.ofSeconds(30))
                .build();
        TestEstate.images("acme", 40).forEach(s::indexImage);
        mem.schedules().insert(schedule("acme", "nightly", limits));
        PlannedRun p = planAll(s, "acme", "nightly");
        s.startWorkers(4);
        Run done = s.awaitTerminal("acme", p.run().id(), Duration.ofSeconds(30));
        s.close();
        assertThat(done.state()).isEqualTo(RunState.COMPLETED);
        assertThat(s.stats(done).completed()).isEqualTo(40);
        assertThat(s.segments(done)).allSatisfy(seg -> assertThat(seg.attempt()).as("a deferral is no attempt").isEqualTo(1));
        return max.get();
    }

    @Test
    void limitsParallelismBoundsTheSegmentsOfARunInFlight() throws Exception {
        assertThat(maxSegmentsInFlight(new Schedule.Limits(null, null, 2, null))).isBetween(1, 2);
        assertThat(maxSegmentsInFlight(new Schedule.Limits(null, null, 1, null))).isEqualTo(1);
        assertThat(maxSegmentsInFlight(Schedule.Limits.NONE)).as("without a limit, 4 workers share the run")
                .isGreaterThan(2);
    }

    @Test
    void aRateLimitedRunDoesNotStarveAnotherTenantsRun() throws Exception {
        Storage mem = Storage.inMemory(java.time.Clock.systemUTC());
        Scheduler s = Scheduler.builder().storage(mem).seed(5).scanner(ExecutionProgressTest::newCritical).segmentSize(10)
                .leaseTime(Duration.ofSeconds(30)).build();
        TestEstate.images("tenant-a", 200).forEach(s::indexImage);
        TestEstate.images("tenant-b", 20).forEach(s::indexImage);
        // 200 targets at 20 per second: about 10 s of work for tenant A.
        mem.schedules().insert(schedule("tenant-a", "slow", new Schedule.Limits(null, 20.0, null, 1)));
        PlannedRun a = planAll(s, "tenant-a", "slow");
        s.startWorkers(2);
        Thread.sleep(300); // A's segments are in the workers' hands before B's run exists
        PlannedRun b = planAll(s, "tenant-b", null);
        Run bDone = s.awaitTerminal("tenant-b", b.run().id(), Duration.ofSeconds(5));
        Run aNow = s.run("tenant-a", a.run().id());
        s.close();
        assertThat(bDone.state()).as("B finished while A was still running").isEqualTo(RunState.COMPLETED);
        assertThat(aNow.state()).isIn(RunState.QUEUED, RunState.RUNNING);
        assertThat(s.stats(aNow).processed()).isLessThan(200);
    }

    @Test
    void countersLeftBehindByACrashBetweenTwoWritesAreRepairedAndTheRunFinishes() throws Exception {
        Storage mem = Storage.inMemory(clock);
        io.verdict.scheduler.inmemory.InMemorySegmentQueue queue = new io.verdict.scheduler.inmemory.InMemorySegmentQueue(clock);
        Scheduler s = Scheduler.builder().clock(clock).seed(5).storage(mem).queue(queue).scanner(ExecutionProgressTest::newCritical)
                .segmentSize(10).leaseTime(Duration.ofSeconds(30)).retryPolicy(RETRY).build();
        TestEstate.images("acme", 20).forEach(s::indexImage);
        PlannedRun p = planAll(s, "acme", null);
        SegmentWorker w = s.newWorker("w1");
        assertThat(w.runOnce()).isTrue(); // segment 0 completes normally
        // A worker finished segment 1 in the store and died before its counter update and before finishing the run.
        Segment seg = s.segments(p.run()).get(1);
        Segment done = mem.segments().update(seg.leasedBy("crashed", 99, T0.plusSeconds(30), T0));
        done = mem.segments().update(done.running(T0));
        mem.segments().update(done.completed(
                new io.verdict.scheduler.runs.SegmentOutcome(10, 0, 0, null), T0));
        queue.purgeRun(p.run().id());
        assertThat(s.stats(s.run("acme", p.run().id())).queued()).as("drifted").isEqualTo(10);

        assertThat(s.repairReadModel()).isEqualTo(1);
        Run run = s.run("acme", p.run().id());
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        assertThat(s.stats(run).completed()).isEqualTo(20);
        assertThat(s.stats(run).queued()).isZero();
        assertThat(s.backlog()).isEmpty();
        assertThat(s.repairReadModel()).as("nothing left to repair").isZero();
    }
}
