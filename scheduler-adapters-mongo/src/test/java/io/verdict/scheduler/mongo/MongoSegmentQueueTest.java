package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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

/** The store-backed queue over the wire protocol: claims, leases, fencing, retries, dead letters, depth. */
class MongoSegmentQueueTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoSegmentQueueTest.class);
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock(T0);
    private MongoDatabase db;
    private MongoSegmentQueue queue;

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @BeforeEach
    void freshQueue() {
        db = DB.fresh();
        queue = new MongoSegmentQueue(db, clock);
    }

    private static SegmentRef ref(String runId, int index) {
        return new SegmentRef("acme", runId, index, "sched-1");
    }

    private Lease claim(String owner) {
        return queue.claim(owner, LEASE).orElseThrow(() -> new AssertionError("nothing to claim"));
    }

    @Test
    void claimHandsOutTheSegmentWithAnExpiringFencedLease() {
        queue.enqueue(ref("run-1", 0), T0);
        Lease lease = claim("w1");
        assertThat(lease.ref()).isEqualTo(ref("run-1", 0));
        assertThat(lease.owner()).isEqualTo("w1");
        assertThat(lease.fencingToken()).isPositive();
        assertThat(lease.expiresAt()).isEqualTo(T0.plus(LEASE));
        assertThat(lease.deliveries()).isEqualTo(1);
        assertThat(lease.receipt()).isNotBlank();
        assertThat(queue.claim("w2", LEASE)).as("a leased segment is not handed out twice").isEmpty();
    }

    @Test
    void enqueueingAWaitingOrLeasedSegmentAgainIsANoOp() {
        queue.enqueue(ref("run-1", 0), T0);
        queue.enqueue(ref("run-1", 0), T0);
        Lease lease = claim("w1");
        queue.enqueue(ref("run-1", 0), T0);
        assertThat(queue.claim("w2", LEASE)).isEmpty();
        assertThat(queue.ack(lease)).isTrue();
        assertThat(queue.claim("w2", LEASE)).isEmpty();
    }

    @Test
    void segmentsBecomeClaimableAtTheirTimeOldestFirstThenInEnqueueOrder() {
        queue.enqueue(ref("later", 0), T0.plusSeconds(60));
        queue.enqueue(ref("b", 0), T0);
        queue.enqueue(ref("a", 0), T0);
        queue.enqueue(ref("early", 0), T0.minusSeconds(5));

        assertThat(claim("w").ref().runId()).isEqualTo("early");
        assertThat(claim("w").ref().runId()).isEqualTo("b");
        assertThat(claim("w").ref().runId()).isEqualTo("a");
        assertThat(queue.claim("w", LEASE)).as("not yet available").isEmpty();
        clock.advance(Duration.ofSeconds(60));
        assertThat(claim("w").ref().runId()).isEqualTo("later");
    }

    @Test
    void ackRemovesTheSegmentForGood() {
        queue.enqueue(ref("run-1", 0), T0);
        Lease lease = claim("w1");
        assertThat(queue.ack(lease)).isTrue();
        assertThat(queue.ack(lease)).isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(queue.claim("w2", LEASE)).isEmpty();
        assertThat(queue.depth()).isEmpty();
    }

    @Test
    void expiredLeaseIsReclaimedWithAHigherTokenAndTheFormerHolderLosesEveryWrite() {
        queue.enqueue(ref("run-1", 0), T0);
        Lease old = claim("w1");
        clock.advance(LEASE); // expiry is inclusive: at expiresAt the lease is over
        Lease reclaimed = claim("w2");
        assertThat(reclaimed.ref()).isEqualTo(old.ref());
        assertThat(reclaimed.fencingToken()).isGreaterThan(old.fencingToken());
        assertThat(reclaimed.deliveries()).isEqualTo(2);

        assertThat(queue.ack(old)).isFalse();
        assertThat(queue.retryAt(old, T0)).isFalse();
        assertThat(queue.deadLetter(old, "stale")).isFalse();
        assertThatThrownBy(() -> queue.renew(old, LEASE)).isInstanceOf(StaleLeaseException.class);
        assertThat(queue.deadLetters("acme", 10)).isEmpty();
        assertThat(queue.ack(reclaimed)).isTrue();
    }

    @Test
    void renewExtendsALiveLeaseButNotAnExpiredOne() {
        queue.enqueue(ref("run-1", 0), T0);
        Lease lease = claim("w1");
        clock.advance(Duration.ofSeconds(20));
        Lease renewed = queue.renew(lease, LEASE);
        assertThat(renewed.expiresAt()).isEqualTo(T0.plusSeconds(50));
        assertThat(renewed.fencingToken()).isEqualTo(lease.fencingToken());
        clock.advance(Duration.ofSeconds(25)); // past the original expiry, inside the renewed one
        assertThat(queue.claim("w2", LEASE)).isEmpty();
        clock.advance(Duration.ofSeconds(10)); // now past the renewed expiry, not yet reclaimed
        assertThatThrownBy(() -> queue.renew(renewed, LEASE)).isInstanceOf(StaleLeaseException.class);
    }

    @Test
    void retryMakesTheSegmentClaimableAgainAtTheRetryTime() {
        queue.enqueue(ref("run-1", 0), T0);
        Lease first = claim("w1");
        assertThat(queue.retryAt(first, T0.plusSeconds(10))).isTrue();
        assertThat(queue.ack(first)).as("the lease ended with the retry").isFalse();
        assertThat(queue.claim("w2", LEASE)).isEmpty();
        assertThat(queue.depth()).containsExactly(new QueueDepth("runner", "acme", 0, 1, 0));
        clock.advance(Duration.ofSeconds(10));
        Lease second = claim("w2");
        assertThat(second.deliveries()).isEqualTo(2);
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void deadLetteredSegmentIsListedWithItsReasonAndNeverClaimedAgain() {
        queue.enqueue(ref("run-1", 3), T0);
        Lease lease = claim("w1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(queue.deadLetter(lease, "ERR_RUN_006: attempts exhausted")).isTrue();
        assertThat(queue.deadLetter(lease, "again")).isFalse();

        assertThat(queue.deadLetters("acme", 10))
                .containsExactly(new DeadLetter(ref("run-1", 3), "ERR_RUN_006: attempts exhausted", 1, T0.plusSeconds(1)));
        assertThat(queue.deadLetters("globex", 10)).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        assertThat(queue.claim("w2", LEASE)).isEmpty();

        // An operator retries the dead segment by hand: it can be queued again.
        queue.enqueue(ref("run-1", 3), clock.instant());
        assertThat(claim("w2").ref()).isEqualTo(ref("run-1", 3));
    }

    @Test
    void deadLettersAreNewestFirstAndLimited() {
        for (int i = 0; i < 3; i++) {
            queue.enqueue(ref("run-" + i, 0), clock.instant());
            queue.deadLetter(claim("w"), "reason-" + i);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(queue.deadLetters("acme", 2)).extracting(DeadLetter::reason).containsExactly("reason-2", "reason-1");
    }

    @Test
    void deadLetterInterruptedByACrashIsFinishedByReclaim() {
        queue.enqueue(ref("run-1", 0), T0);
        Lease lease = claim("w1");
        // The first step of deadLetter (marking the message) happened, then the process died.
        db.getCollection("queueMessages").updateOne(Filters.eq("key", lease.ref().key()),
                Updates.combine(Updates.set("deadReason", "crashed midway"), Updates.set("deadAt", java.util.Date.from(T0))));
        clock.advance(Duration.ofMinutes(5));
        assertThat(queue.claim("w2", LEASE)).as("a marked message is never handed out").isEmpty();

        queue.reclaimExpired();
        assertThat(queue.deadLetters("acme", 10)).extracting(DeadLetter::reason).containsExactly("crashed midway");
        assertThat(queue.depth()).isEmpty();
    }

    @Test
    void enqueueAfterAnInterruptedDeadLetterIsNotLost() {
        queue.enqueue(ref("run-1", 0), T0);
        Lease lease = claim("w1");
        db.getCollection("queueMessages").updateOne(Filters.eq("key", lease.ref().key()),
                Updates.combine(Updates.set("deadReason", "crashed"), Updates.set("deadAt", java.util.Date.from(T0))));
        queue.enqueue(ref("run-1", 0), T0);
        assertThat(claim("w2").ref()).isEqualTo(ref("run-1", 0));
        assertThat(queue.deadLetters("acme", 10)).hasSize(1);
    }

    @Test
    void reclaimExpiredPutsExpiredLeasesBackAndCountsThem() {
        queue.enqueue(ref("run-1", 0), T0);
        queue.enqueue(ref("run-1", 1), T0);
        queue.enqueue(ref("run-1", 2), T0);
        claim("w1");
        claim("w1");
        assertThat(queue.reclaimExpired()).isZero();
        clock.advance(LEASE.plusSeconds(1));
        assertThat(queue.reclaimExpired()).isEqualTo(2);
        assertThat(queue.depth()).containsExactly(new QueueDepth("runner", "acme", 3, 0, 0));
    }

    @Test
    void purgeRemovesTheWaitingSegmentsOfOneRunOnly() {
        queue.enqueue(ref("cancelled", 0), T0);
        queue.enqueue(ref("cancelled", 1), T0.plusSeconds(10));
        queue.enqueue(ref("other", 0), T0.plusSeconds(1));
        Lease inFlight = claim("w1"); // cancelled#0, leased: its holder finishes or drops it
        assertThat(inFlight.ref().runId()).isEqualTo("cancelled");
        queue.enqueue(ref("cancelled", 2), T0);

        assertThat(queue.purgeRun("cancelled")).isEqualTo(2);
        clock.advance(Duration.ofSeconds(20)); // the in-flight lease is still live
        assertThat(claim("w2").ref().runId()).isEqualTo("other");
        assertThat(queue.claim("w2", LEASE)).isEmpty();
        assertThat(queue.ack(inFlight)).isTrue();
    }

    @Test
    void depthCountsReadyDelayedAndLeasedPerTenant() {
        queue.enqueue(new SegmentRef("acme", "r1", 0, null), T0);
        queue.enqueue(new SegmentRef("acme", "r1", 1, null), T0);
        queue.enqueue(new SegmentRef("acme", "r1", 2, null), T0.plusSeconds(60));
        queue.enqueue(new SegmentRef("globex", "r2", 0, null), T0.plusSeconds(60));
        claim("w1");
        assertThat(queue.depth()).containsExactly(
                new QueueDepth("runner", "acme", 1, 1, 1),
                new QueueDepth("runner", "globex", 0, 1, 0));
    }

    @Test
    void fencingTokensKeepGrowingAcrossInstancesAndRestarts() {
        MongoSegmentQueue otherNode = new MongoSegmentQueue(db, clock);
        long last = 0;
        for (int i = 0; i < 6; i++) {
            MongoSegmentQueue q = i % 2 == 0 ? queue : otherNode;
            q.enqueue(ref("run-1", i), T0);
            Lease l = q.claim("w", LEASE).orElseThrow();
            assertThat(l.fencingToken()).isGreaterThan(last);
            last = l.fencingToken();
            q.ack(l);
        }
        MongoSegmentQueue afterRestart = new MongoSegmentQueue(db, clock);
        afterRestart.enqueue(ref("run-1", 0), T0);
        assertThat(afterRestart.claim("w", LEASE).orElseThrow().fencingToken()).isGreaterThan(last);
    }

    @Test
    void queuesWithDifferentNamesAreSeparate() {
        MongoSegmentQueue planner = new MongoSegmentQueue(db, clock, "planner");
        planner.enqueue(ref("run-1", 0), T0);
        assertThat(queue.claim("w", LEASE)).isEmpty();
        assertThat(planner.claim("w", LEASE)).isPresent();
        assertThat(planner.name()).isEqualTo("planner");
    }

    @Test
    void workersRacingOnSeveralNodesNeverClaimTheSameSegmentTwice() throws Exception {
        int segments = 120;
        for (int i = 0; i < segments; i++) queue.enqueue(ref("run-big", i), T0);
        int workers = 6;
        Set<String> claimed = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                MongoSegmentQueue node = new MongoSegmentQueue(db, clock); // each worker as its own instance
                String owner = "w" + w;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (Optional<Lease> l = node.claim(owner, LEASE); l.isPresent(); l = node.claim(owner, LEASE)) {
                        if (!claimed.add(l.get().ref().key())) duplicates.incrementAndGet();
                        node.ack(l.get());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(duplicates).hasValue(0);
        assertThat(claimed).hasSize(segments);
        assertThat(queue.depth()).isEmpty();
    }

    @Test
    void leaseTokensAreUniqueUnderConcurrentClaims() throws Exception {
        for (int i = 0; i < 40; i++) queue.enqueue(ref("run-t", i), T0);
        Set<Long> tokens = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                futures.add(pool.submit(() -> {
                    int n = 0;
                    for (Optional<Lease> l = queue.claim("w", LEASE); l.isPresent(); l = queue.claim("w", LEASE)) {
                        tokens.add(l.get().fencingToken());
                        n++;
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : futures) total += f.get(60, TimeUnit.SECONDS);
            assertThat(total).isEqualTo(40);
            assertThat(new HashSet<>(tokens)).hasSize(40);
        } finally {
            pool.shutdownNow();
        }
    }
}
