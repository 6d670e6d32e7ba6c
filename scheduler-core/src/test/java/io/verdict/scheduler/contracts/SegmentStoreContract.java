package io.verdict.scheduler.contracts;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SegmentStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link SegmentStore} adapter must do: version checks and fencing on every write. */
public abstract class SegmentStoreContract {
    protected static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final String D3 = "sha256:" + "3".repeat(64);

    protected SegmentStore store;

    /** A store with no segments in it. */
    protected abstract SegmentStore newStore();

    @BeforeEach
    public void createStore() {
        store = newStore();
    }

    protected static Segment queued(String runId, int index, List<String> digests) {
        return new Segment(runId, index, "acme", "sched-1", digests, SegmentState.QUEUED, 0, null, null, null, 0,
                null, null, T0, 0);
    }

    @Test
    public void insertedSegmentsComeBackWithEveryFieldInIndexOrder() {
        Segment s0 = queued("run-1", 0, List.of(D1, D2));
        Segment s1 = new Segment("run-1", 1, "acme", null, List.of(D3), SegmentState.RUNNING, 2,
                T0.plusSeconds(30), "node-1/worker-3", T0.plusSeconds(60), 17,
                new SegmentOutcome(1, 2, 3, new SeverityCounts(4, 5, 6, 7, 8, 9, 10)),
                new RunError(ErrorCode.ERR_RUN_003, "scanner unavailable"), T0.plusMillis(5), 4);
        Segment s2 = queued("run-1", 2, List.of());
        store.insertAll(List.of(s2, s0, s1));
        store.insertAll(List.of(queued("run-2", 0, List.of(D1))));

        assertThat(store.forRun("run-1")).containsExactly(s0, s1, s2);
        assertThat(store.find("run-1", 1)).contains(s1);
        assertThat(store.find("run-2", 0)).contains(queued("run-2", 0, List.of(D1)));
    }

    @Test
    public void maxFencingTokenIsTheHighestStoredOne() {
        assertThat(store.maxFencingToken()).isZero();
        store.insertAll(List.of(queued("run-1", 0, List.of(D1)), queued("run-2", 0, List.of(D2))));
        Segment s = store.find("run-1", 0).orElseThrow();
        store.update(s.leasedBy("w", 41, T0.plusSeconds(30), T0));
        Segment t = store.find("run-2", 0).orElseThrow();
        store.update(t.leasedBy("w", 7, T0.plusSeconds(30), T0));
        assertThat(store.maxFencingToken()).isEqualTo(41);
    }

    @Test
    public void digestOrderIsKept() {
        Segment s = queued("run-1", 0, List.of(D3, D1, D2));
        store.insertAll(List.of(s));
        assertThat(store.find("run-1", 0).orElseThrow().digests()).containsExactly(D3, D1, D2);
    }

    @Test
    public void unknownSegmentsAreNotFound() {
        store.insertAll(List.of(queued("run-1", 0, List.of(D1))));
        assertThat(store.find("run-1", 1)).isEmpty();
        assertThat(store.find("run-9", 0)).isEmpty();
        assertThat(store.forRun("run-9")).isEmpty();
    }

    @Test
    public void insertingAnExistingSegmentFails() {
        Segment s = queued("run-1", 0, List.of(D1));
        store.insertAll(List.of(s));
        assertThatThrownBy(() -> store.insertAll(List.of(queued("run-1", 0, List.of(D2)))))
                .isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("run-1", 0)).contains(s);
    }

    @Test
    public void lifecycleWritesWithTheNextVersionAreStored() {
        Segment s = queued("run-1", 0, List.of(D1, D2));
        store.insertAll(List.of(s));
        Segment leased = store.update(s.leasedBy("w1", 3, T0.plusSeconds(30), T0.plusSeconds(1)));
        Segment running = store.update(leased.running(T0.plusSeconds(2)));
        Segment renewed = store.update(running.renewed(T0.plusSeconds(60), T0.plusSeconds(20)));
        SegmentOutcome outcome = new SegmentOutcome(2, 0, 1, new SeverityCounts(1, 0, 0, 0, 0, 0, 1));
        Segment done = store.update(renewed.completed(outcome, T0.plusSeconds(25)));

        Segment stored = store.find("run-1", 0).orElseThrow();
        assertThat(stored).isEqualTo(done);
        assertThat(stored.state()).isEqualTo(SegmentState.COMPLETED);
        assertThat(stored.version()).isEqualTo(4);
        assertThat(stored.fencingToken()).isEqualTo(3);
        assertThat(stored.leaseOwner()).isNull();
        assertThat(stored.outcome()).isEqualTo(outcome);
    }

    @Test
    public void staleVersionFailsAndLeavesTheStoredSegmentUnchanged() {
        Segment s = queued("run-1", 0, List.of(D1));
        store.insertAll(List.of(s));
        Segment first = store.update(s.leasedBy("w1", 1, T0.plusSeconds(30), T0));
        // Another claimer with a newer token, but written on the version it read before the first write.
        Segment sameBase = s.leasedBy("w2", 2, T0.plusSeconds(31), T0.plusSeconds(1));
        assertThatThrownBy(() -> store.update(sameBase)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("run-1", 0)).contains(first);
    }

    @Test
    public void writeWithALowerFencingTokenIsRefusedAsStaleLease() {
        Segment s = queued("run-1", 0, List.of(D1));
        store.insertAll(List.of(s));
        // Worker 1 leased with token 4, its lease expired; worker 2 reclaimed with token 9.
        Segment byOld = store.update(s.leasedBy("w1", 4, T0.plusSeconds(30), T0));
        Segment released = store.update(byOld.released(T0.plusSeconds(31)));
        Segment byNew = store.update(released.leasedBy("w2", 9, T0.plusSeconds(70), T0.plusSeconds(40)));

        // Worker 1 wakes up and writes its result based on what it believes is current, at the right version.
        Segment staleWrite = new Segment(byNew.runId(), byNew.index(), byNew.tenantId(), byNew.scheduleId(),
                byNew.digests(), SegmentState.RUNNING, 1, null, "w1", T0.plusSeconds(30), 4, null, null,
                T0.plusSeconds(41), byNew.version() + 1);
        assertThatThrownBy(() -> store.update(staleWrite)).isInstanceOf(StaleLeaseException.class);
        assertThat(store.find("run-1", 0)).contains(byNew);

        // The current holder (same token) and a newer one (higher token) may write.
        Segment running = store.update(byNew.running(T0.plusSeconds(42)));
        assertThat(store.find("run-1", 0)).contains(running);
    }

    @Test
    public void staleFencingTokenWinsOverAStaleVersionInTheError() {
        Segment s = queued("run-1", 0, List.of(D1));
        store.insertAll(List.of(s));
        Segment current = store.update(s.leasedBy("w2", 9, T0.plusSeconds(30), T0));
        Segment old = new Segment("run-1", 0, "acme", "sched-1", List.of(D1), SegmentState.LEASED, 0, null, "w1",
                T0.plusSeconds(30), 4, null, null, T0, 0);
        assertThatThrownBy(() -> store.update(old)).isInstanceOf(StaleLeaseException.class);
        assertThat(store.find("run-1", 0)).contains(current);
    }

    @Test
    public void updateOfAnUnknownSegmentFails() {
        Segment ghost = queued("run-x", 3, List.of(D1)).cancelled(T0);
        assertThatThrownBy(() -> store.update(ghost)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.find("run-x", 3)).isEmpty();
    }

    @Test
    public void concurrentUpdatesHaveExactlyOneWinnerPerVersion() throws Exception {
        store.insertAll(List.of(queued("run-c", 0, List.of(D1))));
        int threads = 6;
        int attempts = 15;
        ConcurrentHashMap<Long, Instant> winners = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger stamp = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attempts; i++) {
                        Segment cur = store.find("run-c", 0).orElseThrow();
                        // A heartbeat-style write: same state, new expiry, next version; the expiry marks the writer.
                        Instant marker = T0.plusMillis(stamp.incrementAndGet());
                        Segment next = cur.renewed(marker, marker);
                        try {
                            store.update(next);
                            if (winners.putIfAbsent(next.version(), marker) != null) duplicates.incrementAndGet();
                        } catch (ConcurrentUpdateException lost) {
                            // another writer took this version
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
        Segment stored = store.find("run-c", 0).orElseThrow();
        assertThat(duplicates).hasValue(0);
        assertThat(winners).hasSize((int) stored.version());
        assertThat(stored.leaseExpiresAt()).isEqualTo(winners.get(stored.version()));
    }
}
