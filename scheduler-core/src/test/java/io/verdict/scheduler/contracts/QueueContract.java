package io.verdict.scheduler.contracts;

import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * What every {@link SegmentQueue} adapter must do, written once. An adapter's test extends this class and says
 * how to make a fresh queue and how time moves for it: a mutable clock when the adapter takes one, a real
 * sleep when the queue is judged by a server clock (Redis {@code TIME}).
 */
public abstract class QueueContract {
    private static final Duration LONG = Duration.ofMinutes(5);

    protected SegmentQueue queue;

    /** A fresh, empty queue; called before every test. */
    protected abstract SegmentQueue newQueue();

    /** Moves the queue's time forward by {@code d}: advance a mutable clock, or sleep for real. */
    protected abstract void advance(Duration d) throws InterruptedException;

    /** The current time as the queue judges it (what {@code availableAt} and lease expiry are compared with). */
    protected abstract Instant now();

    /**
     * The shortest lease or retry window this adapter can observe reliably. Real-time adapters need a few hundred
     * milliseconds, so that a claim made right after an enqueue still happens inside the window on a busy machine.
     */
    protected Duration tick() {
        return Duration.ofSeconds(1);
    }

    /**
     * How long a claim of a segment that is ready may still come back empty. Zero for stores that answer from
     * their own state; a broker's pull (NATS) may return nothing within its fetch wait on a busy machine, which a
     * worker shrugs off at its next poll, so the contract allows it that long before calling it a failure.
     */
    protected Duration claimPatience() {
        return Duration.ZERO;
    }

    /** Releases what {@link #newQueue()} opened; called after every test. */
    protected void closeQueue(SegmentQueue queue) throws Exception {}

    @BeforeEach
    void openQueue() {
        queue = newQueue();
    }

    @AfterEach
    void releaseQueue() throws Exception {
        closeQueue(queue);
    }

    protected static SegmentRef ref(String tenant, String run, int index) {
        return new SegmentRef(tenant, run, index, "sched-nightly");
    }

    private void advancePast(Duration window) throws InterruptedException {
        advance(window.plus(window.dividedBy(2)));
    }

    private Lease claim(String owner, Duration lease) {
        long deadline = System.nanoTime() + claimPatience().toNanos();
        while (true) {
            Optional<Lease> got = queue.claim(owner, lease);
            if (got.isPresent()) return got.get();
            if (System.nanoTime() - deadline >= 0) throw new AssertionError("expected a claimable segment");
        }
    }

    @Test
    void enqueueAllMakesEverySegmentClaimableOnceAndIsIdempotent() {
        List<SegmentRef> refs = new ArrayList<>();
        for (int i = 0; i < 30; i++) refs.add(ref("acme", "run-bulk", i));
        int added = queue.enqueueAll(refs, now());
        assertThat(added).as("new refs, or -1 when the adapter cannot tell").isIn(30, -1);
        int again = queue.enqueueAll(refs, now());
        assertThat(again).as("already waiting: nothing new").isIn(0, -1);
        List<Integer> claimed = new ArrayList<>();
        for (Optional<Lease> l = queue.claim("w1", LONG); l.isPresent(); l = queue.claim("w1", LONG)) {
            claimed.add(l.get().ref().index());
            queue.ack(l.get());
        }
        assertThat(claimed).as("each segment once, in enqueue order").containsExactlyElementsOf(
                refs.stream().map(SegmentRef::index).toList());
    }

    @Test
    void ackThenClaimAcksTheFinishedMessageAndLeasesTheNext() throws InterruptedException {
        queue.enqueue(ref("acme", "run-1", 0), now());
        queue.enqueue(ref("acme", "run-1", 1), now());
        Lease first = claim("w1", tick());
        Lease second = queue.ackThenClaim(first, "w1", LONG).orElseThrow();
        assertThat(second.ref().index()).isEqualTo(1);
        assertThat(queue.ackThenClaim(second, "w1", LONG)).as("nothing left: the ack still happens").isEmpty();
        advancePast(tick());
        queue.reclaimExpired();
        assertThat(queue.claim("w2", LONG)).as("neither acked message comes back").isEmpty();
    }

    @Test
    void enqueuedSegmentIsClaimedByOneOwnerAndAckRemovesIt() {
        SegmentRef r = ref("t1", "run-a", 0);
        queue.enqueue(r, now());

        Lease lease = claim("worker-1", LONG);
        assertThat(lease.ref()).isEqualTo(r);
        assertThat(lease.owner()).isEqualTo("worker-1");
        assertThat(lease.deliveries()).isEqualTo(1);
        assertThat(lease.expiresAt()).isAfter(now());
        assertThat(queue.claim("worker-2", LONG)).as("a leased segment is not handed out again").isEmpty();

        assertThat(queue.ack(lease)).isTrue();
        assertThat(queue.ack(lease)).as("second ack of the same lease").isFalse();
        assertThat(queue.claim("worker-2", LONG)).isEmpty();
        assertThat(queue.depth()).isEmpty();
    }

    /** False for an adapter that hands out ready messages strictly oldest first (no fair share across tenants). */
    protected boolean fairAcrossTenantsAndRuns() {
        return true;
    }

    @Test
    void readySegmentsOfARunAreClaimedOldestFirstWithGrowingFencingTokens() {
        // Oldest first within one run (its KEV-first segment order); across tenants and runs see the fair-share test.
        List<SegmentRef> refs = List.of(ref("t1", "run-a", 0), ref("t1", "run-a", 1), ref("t1", "run-a", 2));
        refs.forEach(r -> queue.enqueue(r, now()));

        List<SegmentRef> claimed = new ArrayList<>();
        long lastToken = Long.MIN_VALUE;
        for (int i = 0; i < refs.size(); i++) {
            Lease l = claim("worker-1", LONG);
            assertThat(l.fencingToken()).isGreaterThan(lastToken);
            lastToken = l.fencingToken();
            claimed.add(l.ref());
        }
        assertThat(claimed).containsExactlyElementsOf(refs);
    }

    @Test
    void segmentWithoutScheduleTravelsUnchanged() {
        SegmentRef manual = new SegmentRef("t1", "run:t1:20251026T140511Z:ab12", 7, null);
        queue.enqueue(manual, now());
        assertThat(claim("worker-1", LONG).ref()).isEqualTo(manual);
    }

    @Test
    void claimHonoursAvailableAt() throws InterruptedException {
        SegmentRef later = ref("t1", "run-a", 0);
        SegmentRef ready = ref("t1", "run-a", 1);
        queue.enqueue(later, now().plus(tick()));
        queue.enqueue(ready, now());

        assertThat(claim("worker-1", LONG).ref()).as("the ready one goes first").isEqualTo(ready);
        assertThat(queue.claim("worker-1", LONG)).as("before its window").isEmpty();

        advancePast(tick());
        assertThat(claim("worker-1", LONG).ref()).isEqualTo(later);
    }

    @Test
    void enqueueOfAWaitingOrLeasedSegmentIsANoOp() {
        SegmentRef r = ref("t1", "run-a", 0);
        SegmentRef delayed = ref("t1", "run-a", 1);
        queue.enqueue(r, now());
        queue.enqueue(r, now());
        queue.enqueue(delayed, now().plus(Duration.ofHours(1)));
        queue.enqueue(delayed, now());

        Lease lease = claim("worker-1", LONG);
        assertThat(lease.ref()).isEqualTo(r);
        assertThat(queue.claim("worker-1", LONG)).as("no duplicate, and the delayed one keeps its window").isEmpty();

        queue.enqueue(r, now());
        assertThat(queue.claim("worker-2", LONG)).as("re-enqueue while leased").isEmpty();
        assertThat(queue.depth()).containsExactly(new QueueDepth(queue.name(), "t1", 0, 1, 1));

        assertThat(queue.ack(lease)).isTrue();
        queue.enqueue(r, now());
        assertThat(claim("worker-2", LONG).ref()).as("after the ack it may be queued again").isEqualTo(r);
    }

    @Test
    void expiredLeaseIsReclaimedAndTheOldHolderIsFencedOut() throws InterruptedException {
        SegmentRef r = ref("t1", "run-a", 0);
        queue.enqueue(r, now());
        Lease old = claim("worker-1", tick());

        advancePast(tick());
        assertThat(queue.reclaimExpired()).isEqualTo(1);
        assertThat(queue.depth()).containsExactly(new QueueDepth(queue.name(), "t1", 1, 0, 0));

        Lease taken = claim("worker-2", LONG);
        assertThat(taken.ref()).isEqualTo(r);
        assertThat(taken.owner()).isEqualTo("worker-2");
        assertThat(taken.fencingToken()).isGreaterThan(old.fencingToken());
        assertThat(taken.deliveries()).isEqualTo(2);

        assertThatThrownBy(() -> queue.renew(old, LONG)).isInstanceOf(StaleLeaseException.class);
        assertThat(queue.ack(old)).isFalse();
        assertThat(queue.retryAt(old, now())).isFalse();
        assertThat(queue.deadLetter(old, "stale")).isFalse();
        assertThat(queue.deadLetters("t1", 10)).isEmpty();

        assertThat(queue.ack(taken)).as("the new holder is untouched by the stale calls").isTrue();
        assertThat(queue.depth()).isEmpty();
    }

    @Test
    void claimReclaimsExpiredLeasesByItself() throws InterruptedException {
        SegmentRef r = ref("t1", "run-a", 0);
        queue.enqueue(r, now());
        Lease old = claim("worker-1", tick());
        advancePast(tick());

        Lease taken = claim("worker-2", LONG);
        assertThat(taken.ref()).isEqualTo(r);
        assertThat(taken.fencingToken()).isGreaterThan(old.fencingToken());
        assertThat(queue.ack(old)).isFalse();
    }

    @Test
    void renewKeepsTheLeaseAliveAndRenewingAnExpiredLeaseFails() throws InterruptedException {
        queue.enqueue(ref("t1", "run-a", 0), now());
        queue.enqueue(ref("t1", "run-a", 1), now());
        Lease kept = claim("worker-1", tick());
        Lease dropped = claim("worker-1", tick());

        Lease renewed = queue.renew(kept, LONG);
        assertThat(renewed.fencingToken()).isEqualTo(kept.fencingToken());
        assertThat(renewed.expiresAt()).isAfter(kept.expiresAt());

        advancePast(tick());
        assertThatThrownBy(() -> queue.renew(dropped, LONG))
                .as("renewing after expiry, even before anyone reclaimed it")
                .isInstanceOf(StaleLeaseException.class);
        assertThat(queue.reclaimExpired()).as("only the lease that was not renewed").isEqualTo(1);
        assertThat(claim("worker-2", LONG).ref()).isEqualTo(dropped.ref());
        assertThat(queue.claim("worker-2", LONG)).isEmpty();
        assertThat(queue.ack(renewed)).isTrue();
    }

    @Test
    void retryAtGivesTheSegmentBackAfterItsWindow() throws InterruptedException {
        SegmentRef r = ref("t1", "run-a", 0);
        queue.enqueue(r, now());
        Lease first = claim("worker-1", LONG);

        assertThat(queue.retryAt(first, now().plus(tick()))).isTrue();
        assertThat(queue.depth()).containsExactly(new QueueDepth(queue.name(), "t1", 0, 1, 0));
        assertThat(queue.claim("worker-1", LONG)).as("inside the retry window").isEmpty();
        assertThat(queue.ack(first)).as("the lease ended with retryAt").isFalse();

        advancePast(tick());
        Lease second = claim("worker-2", LONG);
        assertThat(second.ref()).isEqualTo(r);
        assertThat(second.deliveries()).isEqualTo(2);
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void claimsShareFairlyAcrossTenantsThenRunsAndOldestFirstWithinARun() {
        org.junit.jupiter.api.Assumptions.assumeTrue(fairAcrossTenantsAndRuns(), "adapter claims strictly oldest first");
        // Tenant t1 queued a big run first and a second run later; t2's small run arrived last of all.
        for (int i = 0; i < 4; i++) queue.enqueue(ref("t1", "run-big", i), now());
        queue.enqueue(ref("t1", "run-late", 0), now());
        queue.enqueue(ref("t2", "run-small", 0), now());
        queue.enqueue(ref("t2", "run-small", 1), now());
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Lease l = claim("worker-1", LONG);
            order.add(l.ref().tenantId() + "/" + l.ref().runId() + "#" + l.ref().index());
        }
        // Tenants alternate; within t1 the two runs alternate; each run's segments come in their own order.
        assertThat(order.subList(0, 4)).containsExactly("t1/run-big#0", "t2/run-small#0", "t1/run-late#0",
                "t2/run-small#1");
        assertThat(order.subList(4, 7)).containsExactly("t1/run-big#1", "t1/run-big#2", "t1/run-big#3");
    }

    @Test
    void releaseGivesTheMessageBackWithoutCountingTheDelivery() throws InterruptedException {
        SegmentRef r = ref("t1", "run-a", 0);
        queue.enqueue(r, now());
        Lease first = claim("worker-1", LONG);
        assertThat(first.deliveries()).isEqualTo(1);
        assertThat(queue.release(first, now().plus(tick()))).isTrue();
        assertThat(queue.claim("worker-1", LONG)).as("until its time").isEmpty();
        assertThat(queue.release(first, now())).as("the lease ended").isFalse();
        advancePast(tick());
        Lease again = claim("worker-2", LONG);
        assertThat(again.ref()).isEqualTo(r);
        assertThat(again.deliveries()).as("a release is not a delivery").isEqualTo(1);
        assertThat(again.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void retryAtNowMakesTheSegmentClaimableAtOnce() {
        queue.enqueue(ref("t1", "run-a", 0), now());
        Lease first = claim("worker-1", LONG);
        assertThat(queue.retryAt(first, now())).isTrue();
        assertThat(claim("worker-1", LONG).deliveries()).isEqualTo(2);
    }

    @Test
    void deadLetterKeepsTheReasonPerTenantNewestFirst() {
        SegmentRef a = ref("t1", "run-a", 0);
        SegmentRef b = ref("t1", "run-a", 1);
        SegmentRef c = new SegmentRef("t1", "run-b", 0, null);
        SegmentRef other = ref("t2", "run-x", 0);
        for (SegmentRef r : List.of(a, b, c, other)) queue.enqueue(r, now());

        Lease firstTry = claim("worker-1", LONG);
        assertThat(firstTry.ref()).isEqualTo(a);
        assertThat(queue.retryAt(firstTry, now())).as("a goes behind the others for a second delivery").isTrue();
        Map<SegmentRef, Lease> byRef = new HashMap<>();
        for (Optional<Lease> l = queue.claim("worker-1", LONG); l.isPresent(); l = queue.claim("worker-1", LONG)) {
            byRef.put(l.get().ref(), l.get());
        }
        assertThat(byRef).containsOnlyKeys(a, b, c, other);

        assertThat(queue.deadLetter(byRef.get(a), "ERR_RUN_005: scanner timeout")).isTrue();
        assertThat(queue.deadLetter(byRef.get(b), "ERR_RUN_004: rejected")).isTrue();
        assertThat(queue.deadLetter(byRef.get(c), "ERR_RUN_003: unavailable")).isTrue();
        assertThat(queue.ack(byRef.get(other))).isTrue();

        List<DeadLetter> dead = queue.deadLetters("t1", 10);
        assertThat(dead).extracting(DeadLetter::ref).containsExactly(c, b, a);
        DeadLetter oldest = dead.get(2);
        assertThat(oldest.reason()).isEqualTo("ERR_RUN_005: scanner timeout");
        assertThat(oldest.deliveries()).isEqualTo(2);
        assertThat(oldest.at()).isNotNull();
        assertThat(queue.deadLetters("t1", 2)).extracting(DeadLetter::ref).containsExactly(c, b);
        assertThat(queue.deadLetters("t2", 10)).isEmpty();

        assertThat(queue.claim("worker-1", LONG)).isEmpty();
        assertThat(queue.ack(byRef.get(a))).as("a dead-lettered lease is over").isFalse();
        assertThat(queue.depth()).isEmpty();

        queue.enqueue(a, now());
        assertThat(claim("worker-2", LONG).ref()).as("an operator may queue a dead segment again").isEqualTo(a);
    }

    @Test
    void purgeRunRemovesOnlyWaitingMessagesOfThatRun() {
        SegmentRef running = ref("t1", "run-a", 2);
        queue.enqueue(running, now());
        Lease held = claim("worker-1", LONG);

        queue.enqueue(ref("t1", "run-a", 0), now());
        queue.enqueue(ref("t1", "run-a", 1), now().plus(Duration.ofHours(1)));
        SegmentRef otherRun = new SegmentRef("t1", "run-b", 0, null);
        queue.enqueue(otherRun, now());

        assertThat(queue.purgeRun("run-a")).isEqualTo(2);
        assertThat(queue.purgeRun("run-a")).isZero();
        assertThat(claim("worker-2", LONG).ref()).isEqualTo(otherRun);
        assertThat(queue.claim("worker-2", LONG)).isEmpty();
        assertThat(queue.depth()).containsExactly(new QueueDepth(queue.name(), "t1", 0, 0, 2));
        assertThat(queue.ack(held)).as("the leased segment of the purged run finishes normally").isTrue();
    }

    @Test
    void depthCountsReadyDelayedAndLeasedPerTenant() {
        queue.enqueue(ref("t1", "run-a", 3), now());
        claim("worker-1", LONG);
        queue.enqueue(ref("t1", "run-a", 0), now());
        queue.enqueue(ref("t1", "run-a", 1), now());
        queue.enqueue(ref("t1", "run-a", 2), now().plus(Duration.ofHours(1)));
        queue.enqueue(ref("t2", "run-z", 0), now());

        assertThat(queue.depth()).containsExactlyInAnyOrder(
                new QueueDepth(queue.name(), "t1", 2, 1, 1),
                new QueueDepth(queue.name(), "t2", 1, 0, 0));
    }

    @Test
    void concurrentClaimsNeverHandOutOneMessageTwice() throws Exception {
        int messages = 400;
        for (int i = 0; i < messages; i++) queue.enqueue(ref(i % 2 == 0 ? "t1" : "t2", "run-" + (i % 5), i), now());

        int threads = 8;
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicInteger failedAcks = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String owner = "worker-" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    int n = 0;
                    for (Optional<Lease> l = queue.claim(owner, LONG); l.isPresent(); l = queue.claim(owner, LONG)) {
                        seen.computeIfAbsent(l.get().ref().key(), k -> new AtomicInteger()).incrementAndGet();
                        if (!queue.ack(l.get())) failedAcks.incrementAndGet();
                        n++;
                    }
                    return n;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : results) total += f.get(60, TimeUnit.SECONDS);
            assertThat(total).isEqualTo(messages);
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(messages);
        assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(failedAcks).hasValue(0);
        assertThat(queue.depth()).isEmpty();
    }
}
