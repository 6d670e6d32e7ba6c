package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
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

/** What the store-backed queue adds to QueueContract: crash-safe dead letters, several instances, restarts, named queues. */
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
}
