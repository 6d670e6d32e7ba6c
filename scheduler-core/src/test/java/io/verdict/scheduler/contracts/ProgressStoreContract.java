package io.verdict.scheduler.contracts;

import io.verdict.scheduler.progress.Backlog;
import io.verdict.scheduler.progress.ProgressChange;
import io.verdict.scheduler.progress.ProgressStore;
import io.verdict.scheduler.progress.RunCounters;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunProgress;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.errors.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ProgressStore} adapter must do: counters that equal what the segments imply
 * ({@link RunProgress}) after any sequence of transitions, in-flight progress that is replaced and fenced, the run
 * state carried back to the worker, and a backlog of unfinished runs only.
 */
public abstract class ProgressStoreContract {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");

    protected ProgressStore store;

    /** An empty store. */
    protected abstract ProgressStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    protected static Run run(String id, String tenant, String schedule, Mode mode, RunState state, int targets) {
        return new Run(id, tenant, schedule, Trigger.MANUAL, mode, state,
                new RunReason("test", null, null, null, null, null, null, "corr-" + id), T0, null, null, null, null,
                "sha256:plan", 1, targets, targets, 0);
    }

    protected static List<Segment> segments(String runId, String tenant, String schedule, int count, int size) {
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> digests = new ArrayList<>();
            for (int d = 0; d < size; d++) digests.add("sha256:" + String.format("%064d", i * 1000 + d));
            out.add(new Segment(runId, i, tenant, schedule, digests, SegmentState.QUEUED, 0, null, null, null, 0, null,
                    null, T0, 0));
        }
        return out;
    }

    private Segment move(Segment from, Segment to) {
        store.apply(ProgressChange.between(from, to));
        return to;
    }

    private static SegmentOutcome outcome(int completed, int failed, int deltas, int criticals) {
        return new SegmentOutcome(completed, failed, deltas, new SeverityCounts(criticals, 0, 0, 0, 1, 0, 0));
    }

    @Test
    public void plannedRunStartsWithEverySegmentQueuedAndPlanningTwiceChangesNothing() {
        Run r = run("run-1", "acme", "nightly", Mode.ANALYSIS_ONLY, RunState.PLANNING, 25);
        List<Segment> segs = segments(r.id(), "acme", "nightly", 3, 10);
        store.planned(r, segs);
        store.planned(r, segs);
        RunCounters c = store.find(r.id()).orElseThrow();
        assertThat(c.segments(SegmentState.QUEUED)).isEqualTo(3);
        assertThat(c.pendingSegments()).isEqualTo(3);
        assertThat(c.pendingTargets()).isEqualTo(30);
        assertThat(c.state()).isEqualTo(RunState.PLANNING);
        assertThat(c.tenantId()).isEqualTo("acme");
        assertThat(c.scheduleId()).isEqualTo("nightly");
        assertThat(c.mode()).isEqualTo(Mode.ANALYSIS_ONLY);
        assertThat(c.stats(r)).isEqualTo(RunProgress.stats(r, segs));
        assertThat(store.find("run-unknown")).isEmpty();
    }

    @Test
    public void transitionsKeepTheCountersEqualToWhatTheSegmentsImply() {
        Run r = run("run-2", "acme", null, Mode.ANALYSIS_ONLY, RunState.RUNNING, 30);
        List<Segment> segs = new ArrayList<>(segments(r.id(), "acme", null, 3, 10));
        store.planned(r, segs);
        Segment a = move(segs.get(0), segs.get(0).leasedBy("w1", 7, T0.plusSeconds(30), T0));
        a = move(a, a.running(T0));
        assertThat(store.find(r.id()).orElseThrow().inFlightSegments()).isEqualTo(1);
        a = move(a, a.completed(outcome(9, 1, 2, 3), T0));
        segs.set(0, a);
        Segment b = move(segs.get(1), segs.get(1).leasedBy("w2", 8, T0.plusSeconds(30), T0));
        b = move(b, b.running(T0));
        b = move(b, b.dead(new RunError(ErrorCode.ERR_RUN_005, "timeout"), T0));
        segs.set(1, b);
        Segment c = move(segs.get(2), segs.get(2).cancelled(T0));
        segs.set(2, c);

        RunCounters got = store.find(r.id()).orElseThrow();
        assertThat(got.stats(r)).isEqualTo(RunProgress.stats(r, segs));
        assertThat(got.stats(r).completed()).isEqualTo(9);
        assertThat(got.stats(r).failed()).isEqualTo(11);
        assertThat(got.stats(r).cancelled()).isEqualTo(10);
        assertThat(got.stats(r).severity().newCriticals()).isEqualTo(3);
        assertThat(got.pendingSegments()).isZero();
        assertThat(got.segments(SegmentState.COMPLETED)).isEqualTo(1);
        assertThat(got.segments(SegmentState.DEAD)).isEqualTo(1);
        assertThat(got.segments(SegmentState.CANCELLED)).isEqualTo(1);
        assertThat(got.inFlightSegments()).isZero();

        // An operator retries the dead segment: its failed targets leave the done counters, it is pending again.
        Segment again = move(b, b.with(SegmentState.QUEUED, T0));
        segs.set(1, again);
        got = store.find(r.id()).orElseThrow();
        assertThat(got.stats(r)).isEqualTo(RunProgress.stats(r, segs));
        assertThat(got.stats(r).failed()).isEqualTo(1);
        assertThat(got.pendingSegments()).isEqualTo(1);
        assertThat(got.pendingTargets()).isEqualTo(10);
    }

    @Test
    public void inFlightProgressIsReplacedNotAddedAndClearedWhenTheSegmentEnds() {
        Run r = run("run-3", "acme", null, Mode.ANALYSIS_ONLY, RunState.RUNNING, 20);
        List<Segment> segs = segments(r.id(), "acme", null, 2, 10);
        store.planned(r, segs);
        Segment a = move(segs.get(0), segs.get(0).leasedBy("w1", 5, T0.plusSeconds(30), T0));
        a = move(a, a.running(T0));

        assertThat(store.reportInFlight(r.id(), 0, 5, outcome(3, 0, 1, 1))).isPresent();
        RunCounters after = store.reportInFlight(r.id(), 0, 5, outcome(6, 1, 2, 2)).orElseThrow();
        assertThat(after.stats(r).completed()).as("replaced, not 3 + 6").isEqualTo(6);
        assertThat(after.stats(r).failed()).isEqualTo(1);
        assertThat(after.stats(r).severity().newCriticals()).isEqualTo(2);
        assertThat(after.state()).isEqualTo(RunState.RUNNING);

        move(a, a.completed(outcome(9, 1, 3, 3), T0));
        RunCounters done = store.find(r.id()).orElseThrow();
        assertThat(done.stats(r).completed()).as("the outcome replaces the in-flight report").isEqualTo(9);
        assertThat(done.inFlight()).isEqualTo(SegmentOutcome.NONE);
        assertThat(store.reportInFlight(r.id(), 0, 5, outcome(6, 1, 2, 2)))
                .as("a late report of an ended attempt is refused").isEmpty();
        assertThat(store.find(r.id()).orElseThrow().stats(r).completed()).isEqualTo(9);
    }

    @Test
    public void aHolderThatLostItsSegmentIsRefused() {
        Run r = run("run-4", "acme", null, Mode.ANALYSIS_ONLY, RunState.RUNNING, 10);
        List<Segment> segs = segments(r.id(), "acme", null, 1, 10);
        store.planned(r, segs);
        Segment first = move(segs.get(0), segs.get(0).leasedBy("w1", 3, T0.plusSeconds(30), T0));
        first = move(first, first.running(T0));
        assertThat(store.reportInFlight(r.id(), 0, 3, outcome(2, 0, 0, 0))).isPresent();
        // The lease expired; w2 reclaims the segment with a higher token.
        Segment back = move(first, first.released(T0));
        Segment second = move(back, back.leasedBy("w2", 9, T0.plusSeconds(60), T0));
        move(second, second.running(T0));
        assertThat(store.reportInFlight(r.id(), 0, 3, outcome(8, 0, 0, 0))).as("stale holder").isEmpty();
        RunCounters now = store.reportInFlight(r.id(), 0, 9, outcome(1, 0, 0, 0)).orElseThrow();
        assertThat(now.stats(r).completed()).isEqualTo(1);
    }

    @Test
    public void theRunStateTravelsBackWithAnInFlightReport() {
        Run r = run("run-5", "acme", null, Mode.ANALYSIS_ONLY, RunState.RUNNING, 10);
        List<Segment> segs = segments(r.id(), "acme", null, 1, 10);
        store.planned(r, segs);
        Segment a = move(segs.get(0), segs.get(0).leasedBy("w1", 4, T0.plusSeconds(30), T0));
        move(a, a.running(T0));
        store.runState(r.id(), RunState.CANCELLED);
        assertThat(store.reportInFlight(r.id(), 0, 4, outcome(1, 0, 0, 0)).orElseThrow().state())
                .isEqualTo(RunState.CANCELLED);
    }

    @Test
    public void backlogGroupsUnfinishedRunsByTenantScheduleAndModeOnly() {
        Run a1 = run("run-a1", "acme", "nightly", Mode.ANALYSIS_ONLY, RunState.QUEUED, 20);
        Run a2 = run("run-a2", "acme", "nightly", Mode.ANALYSIS_ONLY, RunState.RUNNING, 10);
        Run a3 = run("run-a3", "acme", null, Mode.CONTENT_REFRESH, RunState.QUEUED, 5);
        Run b1 = run("run-b1", "beta", "nightly", Mode.ANALYSIS_ONLY, RunState.QUEUED, 10);
        Run done = run("run-done", "acme", "nightly", Mode.ANALYSIS_ONLY, RunState.QUEUED, 10);
        store.planned(a1, segments(a1.id(), "acme", "nightly", 2, 10));
        store.planned(a2, segments(a2.id(), "acme", "nightly", 1, 10));
        store.planned(a3, segments(a3.id(), "acme", null, 1, 5));
        store.planned(b1, segments(b1.id(), "beta", "nightly", 1, 10));
        store.planned(done, segments(done.id(), "acme", "nightly", 1, 10));
        store.runState(done.id(), RunState.COMPLETED);

        List<Backlog> got = store.backlog();
        assertThat(got).containsExactly(
                new Backlog("acme", null, Mode.CONTENT_REFRESH, 0, 1, 0, 1, 5),
                new Backlog("acme", "nightly", Mode.ANALYSIS_ONLY, 0, 1, 1, 3, 30),
                new Backlog("beta", "nightly", Mode.ANALYSIS_ONLY, 0, 1, 0, 1, 10));
    }

    @Test
    public void backlogAndCountersAddUpTransitionsOfManySegments() {
        // More segments than a store may spread a run's counters over: every total must still be exact.
        Run r = run("run-many", "acme", null, Mode.ANALYSIS_ONLY, RunState.RUNNING, 400);
        List<Segment> segs = new ArrayList<>(segments(r.id(), "acme", null, 40, 10));
        store.planned(r, segs);
        for (int i = 0; i < 37; i++) {
            Segment s = move(segs.get(i), segs.get(i).leasedBy("w" + i % 2, i + 1, T0.plusSeconds(30), T0));
            s = move(s, s.running(T0));
            segs.set(i, move(s, s.completed(outcome(9, 1, 1, 0), T0)));
        }
        Segment held = move(segs.get(38), segs.get(38).leasedBy("w", 99, T0.plusSeconds(30), T0));
        segs.set(38, move(held, held.running(T0)));

        RunCounters got = store.find(r.id()).orElseThrow();
        assertThat(got.stats(r)).isEqualTo(RunProgress.stats(r, segs));
        assertThat(got.pendingSegments()).isEqualTo(3);
        assertThat(got.segments(SegmentState.COMPLETED)).isEqualTo(37);
        assertThat(got.segments(SegmentState.QUEUED)).isEqualTo(2);
        assertThat(got.inFlightSegments()).isEqualTo(1);
        assertThat(store.backlog()).containsExactly(new Backlog("acme", null, Mode.ANALYSIS_ONLY, 0, 0, 1, 3, 30));

        store.rebuild(r, segs); // replaces, never adds to, what the transitions counted
        assertThat(store.find(r.id()).orElseThrow().stats(r)).isEqualTo(RunProgress.stats(r, segs));
        assertThat(store.backlog()).containsExactly(new Backlog("acme", null, Mode.ANALYSIS_ONLY, 0, 0, 1, 3, 30));
    }

    @Test
    public void findAllAnswersSeveralRunsInOneCallInTheOrderAsked() {
        for (String id : List.of("run-x", "run-y", "run-z")) {
            Run r = run(id, "acme", null, Mode.ANALYSIS_ONLY, RunState.QUEUED, 10);
            store.planned(r, segments(id, "acme", null, 1, 10));
        }
        assertThat(store.findAll(List.of("run-z", "run-missing", "run-x")).keySet()).containsExactly("run-z", "run-x");
        assertThat(store.findAll(List.of())).isEmpty();
    }

    @Test
    public void rebuildReDerivesTheCountersAndKeepsStaleHoldersOut() {
        Run r = run("run-6", "acme", null, Mode.ANALYSIS_ONLY, RunState.RUNNING, 20);
        List<Segment> segs = new ArrayList<>(segments(r.id(), "acme", null, 2, 10));
        store.planned(r, segs);
        Segment a = move(segs.get(0), segs.get(0).leasedBy("w1", 6, T0.plusSeconds(30), T0));
        a = move(a, a.running(T0));
        Segment moved = move(a, a.released(T0)); // the holder lost it
        // A crash: the segment was completed in the store but its counter update never happened.
        Segment retaken = moved.leasedBy("w2", 11, T0.plusSeconds(30), T0).running(T0);
        Segment completed = retaken.completed(outcome(10, 0, 0, 0), T0);
        segs.set(0, completed);
        store.rebuild(r, segs);
        RunCounters got = store.find(r.id()).orElseThrow();
        assertThat(got.stats(r)).isEqualTo(RunProgress.stats(r, segs));
        assertThat(got.pendingSegments()).isEqualTo(1);
        assertThat(store.reportInFlight(r.id(), 0, 6, outcome(3, 0, 0, 0))).as("still stale").isEmpty();
    }

    @Test
    public void concurrentTransitionsOfOneRunAreAllCounted() throws Exception {
        Run r = run("run-7", "acme", null, Mode.ANALYSIS_ONLY, RunState.RUNNING, 400);
        List<Segment> segs = segments(r.id(), "acme", null, 40, 10);
        store.planned(r, segs);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Segment s : segs) {
                done.add(pool.submit(() -> {
                    Segment l = move(s, s.leasedBy("w", s.index() + 1, T0.plusSeconds(30), T0));
                    Segment run = move(l, l.running(T0));
                    store.reportInFlight(r.id(), s.index(), s.index() + 1, outcome(5, 0, 0, 0));
                    move(run, run.completed(outcome(9, 1, 1, 1), T0));
                }));
            }
            for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        RunStats st = store.find(r.id()).orElseThrow().stats(r);
        assertThat(st.completed()).isEqualTo(360);
        assertThat(st.failed()).isEqualTo(40);
        assertThat(st.deltas()).isEqualTo(40);
        assertThat(st.queued()).isZero();
        assertThat(store.find(r.id()).orElseThrow().segments(SegmentState.COMPLETED)).isEqualTo(40);
    }
}
