package io.verdict.scheduler.redis;

import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.SegmentRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

/** Two queue instances on separate connections behave like two scheduler processes sharing one Redis. */
class RedisSegmentQueueDistributedTest {
    private static final Duration LONG = Duration.ofMinutes(5);

    private final String prefix = RedisTestSupport.uniquePrefix();
    private RedisConnection nodeA;
    private RedisConnection nodeB;
    private RedisSegmentQueue queueA;
    private RedisSegmentQueue queueB;

    @BeforeEach
    void startNodes() {
        nodeA = RedisTestSupport.connect();
        nodeB = RedisTestSupport.connect();
        queueA = new RedisSegmentQueue(nodeA, prefix);
        queueB = new RedisSegmentQueue(nodeB, prefix);
    }

    @AfterEach
    void stopNodes() {
        RedisTestSupport.deleteKeys(nodeB, prefix);
        nodeA.close();
        nodeB.close();
    }

    @Test
    void twoNodesShareTheWorkAndNeverClaimOneSegmentTwice() throws Exception {
        int messages = 300;
        List<SegmentRef> refs = new ArrayList<>();
        for (int i = 0; i < messages; i++) refs.add(new SegmentRef("t1", "run-" + (i % 3), i, null));
        assertThat(queueA.enqueueAll(refs.subList(0, 200), Instant.now())).isEqualTo(200);
        assertThat(queueB.enqueueAll(refs.subList(100, 300), Instant.now()))
                .as("node B re-enqueues 100 that node A already queued: no-ops").isEqualTo(100);

        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> perNode = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                RedisSegmentQueue q = t % 2 == 0 ? queueA : queueB;
                String node = t % 2 == 0 ? "A" : "B";
                String owner = "node-" + node + "-w" + t;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (Optional<Lease> l = q.claim(owner, LONG); l.isPresent(); l = q.claim(owner, LONG)) {
                        seen.computeIfAbsent(l.get().ref().key(), k -> new AtomicInteger()).incrementAndGet();
                        perNode.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
                        assertThat(q.ack(l.get())).isTrue();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : workers) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(seen).hasSize(messages);
        assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(perNode.get("A")).as("node A did part of the work").isNotNull();
        assertThat(perNode.get("B")).as("node B did part of the work").isNotNull();
        assertThat(queueA.depth()).isEmpty();
        assertThat(queueB.depth()).isEmpty();
    }

    @Test
    void aSegmentSurvivesItsWorkerProcessDying() throws InterruptedException {
        SegmentRef ref = new SegmentRef("t1", "run-a", 0, "sched-nightly");
        queueA.enqueue(ref, Instant.now());

        RedisConnection doomed = RedisTestSupport.connect();
        Lease lost = new RedisSegmentQueue(doomed, prefix).claim("node-c-w0", Duration.ofMillis(500)).orElseThrow();
        doomed.close(); // the process dies holding the lease: no ack, no renew

        assertThat(queueB.claim("node-b-w0", LONG)).as("the lease has not expired yet").isEmpty();
        Thread.sleep(800);

        Lease taken = queueB.claim("node-b-w0", LONG).orElseThrow();
        assertThat(taken.ref()).isEqualTo(ref);
        assertThat(taken.deliveries()).isEqualTo(2);
        assertThat(taken.fencingToken()).isGreaterThan(lost.fencingToken());
        assertThat(queueA.ack(lost)).as("the dead worker's lease is fenced out everywhere").isFalse();
        assertThat(queueB.ack(taken)).isTrue();
        assertThat(queueA.depth()).isEmpty();
    }
}
