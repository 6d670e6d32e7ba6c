package io.verdict.scheduler.contracts;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.PlanInputs;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RunStore} adapter must do. Subclasses supply an empty store per test. Timestamps carry
 * millisecond precision, the finest every backend keeps (BSON dates, the run cursor).
 */
public abstract class RunStoreContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");

    private static final Comparator<Run> NEWEST_FIRST =
            Comparator.comparing(Run::createdAt).thenComparing(Run::id).reversed();

    protected RunStore store;

    /** A store with no runs in it. */
    protected abstract RunStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    protected static Run run(String id, String tenant, Instant createdAt) {
        return new Run(id, tenant, null, Trigger.MANUAL, Mode.ANALYSIS_ONLY, RunState.QUEUED,
                RunReason.manual("because", "corr-" + id), createdAt, null, null, null, null, "digest-" + id, 1, 10, 8, 0);
    }

    private static Run fullyPopulated() {
        RunReason reason = new RunReason("nightly check", "concelier-export-7", "excititor-export-9", "cursor-42",
                "2025-10-25T00:00:00Z", "2025-10-26T00:00:00Z", "policy-rev-3", "corr-abc");
        return new Run("run:acme:20251026T140511Z:0000000000aa", "acme", "sched-1", Trigger.CONCELIER,
                Mode.CONTENT_REFRESH, RunState.ERROR, reason, T0, T0.plusSeconds(2), T0.plusSeconds(90),
                new RunError(ErrorCode.ERR_RUN_006, "segment 3 attempts exhausted"), "run:acme:20251025T000000Z:0000000000bb",
                "sha256:plan", 12, 1200, 1100, 7);
    }

    @Test
    public void insertedRunComesBackWithEveryField() {
        Run run = fullyPopulated();
        store.insert(run);
        assertThat(store.find(run.id())).contains(run);
    }

    @Test
    public void planInputsRecordedAtPlanningSurviveInsertAndEveryTransition() {
        Selector selector = new Selector(Selector.Scope.BY_LABELS, "acme", List.of("payments"), List.of("api*"),
                List.of(), List.of("1.*"), List.of(new Selector.LabelFilter("env", List.of("prod", "dev")),
                new Selector.LabelFilter("team", List.of())), true);
        PlanInputs inputs = new PlanInputs(T0.minusSeconds(30), Map.of("concelier", "evt-9", "policy", "rev-2"), selector,
                Set.of("pkg:npm/b@1", "pkg:npm/a@1"), false, true, Set.of("pkg:npm/a@1"), 14, 250, 1000,
                T0, "0000000000aa", List.of("sha256:01", "sha256:02", "sha256:03"), List.of("sha256:02"));
        Run base = fullyPopulated();
        Run run = new Run(base.id(), base.tenantId(), base.scheduleId(), base.trigger(), base.mode(), RunState.QUEUED,
                base.reason(), base.createdAt(), null, null, null, base.retryOf(), base.planDigest(), base.shardCount(),
                base.candidates(), base.deduped(), 0, inputs);
        store.insert(run);
        assertThat(store.find(run.id())).contains(run);
        Run done = store.update(run.transition(RunState.RUNNING, T0.plusSeconds(1)));
        done = store.update(done.transition(RunState.COMPLETED, T0.plusSeconds(2)));
        assertThat(store.find(run.id())).get().extracting(Run::planInputs).isEqualTo(inputs);
        assertThat(done.planInputs()).isEqualTo(inputs);
    }

    @Test
    public void runWithoutOptionalFieldsComesBackWithNulls() {
        Run run = new Run("r-min", "acme", null, Trigger.CRON, Mode.ANALYSIS_ONLY, RunState.PLANNING, null, T0,
                null, null, null, null, null, 0, 0, 0, 0);
        store.insert(run);
        assertThat(store.find("r-min")).contains(run);
    }

    @Test
    public void unknownRunIsNotFound() {
        assertThat(store.find("nope")).isEmpty();
    }

    @Test
    public void insertingAnExistingIdFailsAndKeepsTheFirst() {
        Run first = run("r1", "acme", T0);
        store.insert(first);
        Run other = run("r1", "other-tenant", T0.plusSeconds(5));
        assertThatThrownBy(() -> store.insert(other)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("r1")).contains(first);
    }

    @Test
    public void updateWithTheNextVersionReplacesTheRun() {
        Run r = run("r1", "acme", T0);
        store.insert(r);
        Run running = r.transition(RunState.RUNNING, T0.plusSeconds(1));
        assertThat(store.update(running)).isEqualTo(running);
        assertThat(store.find("r1")).contains(running);
        Run done = running.transition(RunState.COMPLETED, T0.plusSeconds(9));
        store.update(done);
        assertThat(store.find("r1")).contains(done);
        assertThat(done.version()).isEqualTo(2);
    }

    @Test
    public void staleUpdateFailsAndLeavesTheStoredRunUnchanged() {
        Run r = run("r1", "acme", T0);
        store.insert(r);
        Run winner = r.transition(RunState.RUNNING, T0.plusSeconds(1));
        Run loser = r.transition(RunState.CANCELLED, T0.plusSeconds(2)); // same base version
        store.update(winner);
        assertThatThrownBy(() -> store.update(loser)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("r1")).contains(winner);
    }

    @Test
    public void updateThatSkipsAVersionFails() {
        Run r = run("r1", "acme", T0);
        store.insert(r);
        Run skipping = r.transition(RunState.RUNNING, T0).transition(RunState.COMPLETED, T0);
        assertThatThrownBy(() -> store.update(skipping)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("r1")).contains(r);
    }

    @Test
    public void updateOfAnUnknownRunFails() {
        Run ghost = run("ghost", "acme", T0).transition(RunState.RUNNING, T0);
        assertThatThrownBy(() -> store.update(ghost)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("ghost")).isEmpty();
    }

    @Test
    public void listIsNewestFirstWithIdBreakingTies() {
        store.insert(run("b", "acme", T0));
        store.insert(run("a", "acme", T0));
        store.insert(run("c", "acme", T0.minusSeconds(10)));
        store.insert(run("z", "acme", T0.plusSeconds(10)));
        Page<Run> page = store.list(RunFilter.tenant("acme"), null, 10);
        assertThat(page.items()).extracting(Run::id).containsExactly("z", "b", "a", "c");
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    public void pagesCoverEveryRunOnceNewestFirst() {
        List<Run> all = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // Groups of three runs share a createdAt, so the id tie-break decides page boundaries.
            Run r = run("run-" + (char) ('a' + (i * 7) % 23), "acme", T0.plusMillis((i / 3) * 1000L));
            all.add(r);
            store.insert(r);
        }
        store.insert(run("other-tenant-run", "globex", T0.plusSeconds(3)));
        all.sort(NEWEST_FIRST);

        List<Run> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Run> page = store.list(RunFilter.tenant("acme"), cursor, 5);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(5).isNotEmpty();
            seen.addAll(page.items());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 20);

        assertThat(seen).containsExactlyElementsOf(all);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    public void runsInsertedBetweenPagesDoNotShiftLaterPages() {
        for (int i = 0; i < 6; i++) store.insert(run("r" + i, "acme", T0.plusSeconds(i)));
        Page<Run> first = store.list(RunFilter.tenant("acme"), null, 3);
        assertThat(first.items()).extracting(Run::id).containsExactly("r5", "r4", "r3");
        store.insert(run("newer", "acme", T0.plusSeconds(100)));
        Page<Run> second = store.list(RunFilter.tenant("acme"), first.nextCursor(), 3);
        assertThat(second.items()).extracting(Run::id).containsExactly("r2", "r1", "r0");
    }

    @Test
    public void exactlyFullLastPageHasNoCursor() {
        for (int i = 0; i < 4; i++) store.insert(run("r" + i, "acme", T0.plusSeconds(i)));
        Page<Run> only = store.list(RunFilter.tenant("acme"), null, 4);
        assertThat(only.items()).hasSize(4);
        assertThat(only.nextCursor()).as("no cursor that would lead to an empty page").isNull();
    }

    @Test
    public void malformedCursorIsABadRequest() {
        assertThatThrownBy(() -> store.list(RunFilter.tenant("acme"), "%%not-a-cursor%%", 5))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    public void listFiltersByTenantTriggerStateScheduleTimeErrorAndPolicy() {
        Run plain = run("plain", "acme", T0);
        Run cron = new Run("cron", "acme", "sched-1", Trigger.CRON, Mode.ANALYSIS_ONLY, RunState.RUNNING,
                RunReason.manual(null, "c1"), T0.plusSeconds(10), T0.plusSeconds(11), null, null, null, "d", 1, 1, 1, 1);
        Run failed = new Run("failed", "acme", null, Trigger.POLICY, Mode.ANALYSIS_ONLY, RunState.ERROR,
                new RunReason(null, null, null, null, null, null, "rev-7", "c2"), T0.plusSeconds(20), T0, T0,
                new RunError(ErrorCode.ERR_RUN_005, "timeout"), null, "d", 1, 1, 1, 2);
        Run foreign = run("foreign", "globex", T0.plusSeconds(30));
        for (Run r : List.of(plain, cron, failed, foreign)) store.insert(r);

        assertThat(ids(RunFilter.tenant("acme"))).containsExactly("failed", "cron", "plain");
        assertThat(ids(new RunFilter(Set.of("acme", "globex"), null, null, null, null, null, null, null)))
                .containsExactly("foreign", "failed", "cron", "plain");
        assertThat(ids(new RunFilter(null, null, null, null, null, null, null, null)))
                .containsExactly("foreign", "failed", "cron", "plain");
        assertThat(ids(new RunFilter(Set.of("acme"), Set.of(Trigger.CRON, Trigger.POLICY), null, null, null, null, null, null)))
                .containsExactly("failed", "cron");
        assertThat(ids(new RunFilter(Set.of("acme"), null, Set.of(RunState.QUEUED, RunState.RUNNING), null, null, null, null, null)))
                .containsExactly("cron", "plain");
        assertThat(ids(new RunFilter(Set.of("acme"), null, null, "sched-1", null, null, null, null)))
                .containsExactly("cron");
        // from is inclusive, to is exclusive
        assertThat(ids(new RunFilter(Set.of("acme"), null, null, null, T0.plusSeconds(10), T0.plusSeconds(20), null, null)))
                .containsExactly("cron");
        assertThat(ids(new RunFilter(Set.of("acme"), null, null, null, null, null, ErrorCode.ERR_RUN_005, null)))
                .containsExactly("failed");
        assertThat(ids(new RunFilter(Set.of("acme"), null, null, null, null, null, ErrorCode.ERR_RUN_003, null)))
                .isEmpty();
        assertThat(ids(new RunFilter(Set.of("acme"), null, null, null, null, null, null, "rev-7")))
                .containsExactly("failed");
    }

    @Test
    public void filteredPagesStillCoverEveryMatchOnce() {
        for (int i = 0; i < 12; i++) {
            Run r = run("r" + String.format("%02d", i), i % 2 == 0 ? "acme" : "globex", T0.plusSeconds(i / 4));
            store.insert(i % 3 == 0 ? r.transition(RunState.RUNNING, T0) : r);
        }
        RunFilter acmeQueued = new RunFilter(Set.of("acme"), null, Set.of(RunState.QUEUED), null, null, null, null, null);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Page<Run> p = store.list(acmeQueued, cursor, 2);
            p.items().forEach(r -> seen.add(r.id()));
            cursor = p.nextCursor();
        } while (cursor != null);
        assertThat(seen).containsExactly("r10", "r08", "r04", "r02");
    }

    private List<String> ids(RunFilter filter) {
        return store.list(filter, null, 100).items().stream().map(Run::id).toList();
    }

    @Test
    public void activeRunsAreTheUnfinishedOnesOldestFirst() {
        Run planning = new Run("p", "acme", null, Trigger.MANUAL, Mode.ANALYSIS_ONLY, RunState.PLANNING, null,
                T0.plusSeconds(5), null, null, null, null, null, 0, 0, 0, 0);
        Run queuedB = run("qb", "acme", T0);
        Run queuedA = run("qa", "globex", T0);
        Run running = run("run", "acme", T0.minusSeconds(5)).transition(RunState.RUNNING, T0);
        Run done = run("done", "acme", T0.minusSeconds(50)).transition(RunState.COMPLETED, T0);
        Run cancelled = run("cx", "acme", T0.minusSeconds(40)).transition(RunState.CANCELLED, T0);
        Run failed = run("err", "acme", T0.minusSeconds(30)).transition(RunState.ERROR, T0);
        for (Run r : List.of(planning, queuedB, queuedA, running, done, cancelled, failed)) store.insert(r);

        assertThat(store.active()).extracting(Run::id).containsExactly("run", "qa", "qb", "p");
        store.update(running.transition(RunState.COMPLETED, T0.plusSeconds(1)));
        assertThat(store.active()).extracting(Run::id).containsExactly("qa", "qb", "p");
    }

    @Test
    public void concurrentUpdatesHaveExactlyOneWinnerPerVersion() throws Exception {
        store.insert(run("contended", "acme", T0));
        int threads = 6;
        int attemptsPerThread = 15;
        ConcurrentHashMap<Long, String> winners = new ConcurrentHashMap<>();
        AtomicInteger duplicateWinners = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String writer = "writer-" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attemptsPerThread; i++) {
                        Run current = store.find("contended").orElseThrow();
                        Run next = withPlanDigest(current, writer + "/" + i);
                        try {
                            store.update(next);
                            if (winners.putIfAbsent(next.version(), next.planDigest()) != null) {
                                duplicateWinners.incrementAndGet();
                            }
                        } catch (ConcurrentUpdateException lost) {
                            // expected for all but one writer of this version
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Run stored = store.find("contended").orElseThrow();
        assertThat(duplicateWinners).hasValue(0);
        assertThat(winners.keySet()).hasSize((int) stored.version());
        assertThat(new HashSet<>(winners.keySet()))
                .containsExactlyInAnyOrderElementsOf(rangeClosed(1, stored.version()));
        assertThat(stored.planDigest()).isEqualTo(winners.get(stored.version()));
    }

    private static List<Long> rangeClosed(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long v = from; v <= to; v++) out.add(v);
        return out;
    }

    /** Same run, next version, with a marker naming the writer (the planDigest field carries it). */
    private static Run withPlanDigest(Run r, String marker) {
        return new Run(r.id(), r.tenantId(), r.scheduleId(), r.trigger(), r.mode(), r.state(), r.reason(),
                r.createdAt(), r.startedAt(), r.finishedAt(), r.error(), r.retryOf(), marker, r.shardCount(),
                r.candidates(), r.deduped(), r.version() + 1);
    }
}
