package io.verdict.scheduler.nats;

import io.verdict.scheduler.queue.DeadLetter;
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

/** Two queue instances on separate connections behave like two scheduler processes sharing one NATS. */
class NatsSegmentQueueDistributedTest {
    private static final Duration LONG = Duration.ofMinutes(5);

    private final String namespace = NatsTestSupport.uniqueNamespace();
    private NatsConnection nodeA;
    private NatsConnection nodeB;
    private NatsSegmentQueue queueA;
    private NatsSegmentQueue queueB;

    @BeforeEach
    void startNodes() {
        nodeA = NatsTestSupport.connect();
        nodeB = NatsTestSupport.connect();
        // ack wait 1 s: the server itself redelivers what a dead worker held
        NatsQueueSettings settings = NatsQueueSettings.runner(namespace).withAckWait(Duration.ofSeconds(1));
        queueA = new NatsSegmentQueue(nodeA, settings);
        queueB = new NatsSegmentQueue(nodeB, settings);
    }

    @AfterEach
    void stopNodes() {
        nodeB.deleteNamespace(namespace);
        nodeA.close();
        nodeB.close();
    }

    @Test
    void twoNodesShareTheWorkAndNeverClaimOneSegmentTwice() throws Exception {
        int messages = 300;
        List<SegmentRef> refs = new ArrayList<>();
        for (int i = 0; i < messages; i++) refs.add(new SegmentRef("t1", "run-" + (i % 3), i, null));
        refs.subList(0, 200).forEach(r -> queueA.enqueue(r, Instant.now()));
        refs.subList(100, 300).forEach(r -> queueB.enqueue(r, Instant.now())); // 100 already queued by A: no-ops

        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> perNode = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                NatsSegmentQueue q = t % 2 == 0 ? queueA : queueB;
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
    }

    @Test
    void theServerRedeliversWhatADeadWorkerHeldAfterTheAckWait() throws InterruptedException {
        SegmentRef ref = new SegmentRef("t1", "run-a", 0, "sched-nightly");
        queueA.enqueue(ref, Instant.now());

        NatsConnection doomed = NatsTestSupport.connect();
        NatsSegmentQueue doomedQueue = new NatsSegmentQueue(doomed, queueA.settings());
        // A lease as long as the ack wait: nobody scans for it, the server's redelivery brings it back.
        Lease lost = doomedQueue.claim("node-c-w0", Duration.ofSeconds(1)).orElseThrow();
        doomed.close(); // the process dies holding the lease: no ack, no renew

        assertThat(queueB.claim("node-b-w0", LONG)).as("the lease has not expired yet").isEmpty();
        Thread.sleep(1_600);

        Lease taken = queueB.claim("node-b-w0", LONG).orElseThrow();
        assertThat(taken.ref()).isEqualTo(ref);
        assertThat(taken.deliveries()).isEqualTo(2);
        assertThat(taken.fencingToken()).isGreaterThan(lost.fencingToken());
        assertThat(queueA.ack(lost)).as("the dead worker's lease is fenced out everywhere").isFalse();
        assertThat(queueB.ack(taken)).isTrue();
        assertThat(queueA.depth()).isEmpty();
    }

    @Test
    void renewalsKeepALeaseLongerThanTheAckWait() throws InterruptedException {
        SegmentRef ref = new SegmentRef("t1", "run-a", 0, null);
        queueA.enqueue(ref, Instant.now());
        Lease lease = queueA.claim("node-a-w0", Duration.ofSeconds(1)).orElseThrow();
        for (int i = 0; i < 4; i++) { // 2.4 s in all, more than twice the ack wait
            Thread.sleep(600);
            lease = queueA.renew(lease, Duration.ofSeconds(1));
            assertThat(queueB.claim("node-b-w0", LONG)).as("renewed, so not handed out again").isEmpty();
        }
        assertThat(queueA.ack(lease)).isTrue();
        Thread.sleep(1_200);
        assertThat(queueB.claim("node-b-w0", LONG)).as("acked: the server does not redeliver it").isEmpty();
    }

    @Test
    void aFirstDeliveryLeaseIsRecordedBeforeTheAckWaitRunsOut() throws InterruptedException {
        SegmentRef ref = new SegmentRef("t1", "run-a", 0, null);
        queueA.enqueue(ref, Instant.now());
        // Handed out without a write (first delivery); the keeper records it at a third of the ack wait (1 s).
        Lease lease = queueA.claim("node-a-w0", LONG).orElseThrow();
        Thread.sleep(1_500); // past the ack wait: the server redelivers, node B must find the holder's record
        assertThat(queueB.claim("node-b-w0", LONG)).as("recorded as held, so not handed out again").isEmpty();
        assertThat(queueB.depth()).as("node B sees the lease").containsExactly(
                new io.verdict.scheduler.queue.QueueDepth("runner", "t1", 0, 0, 1));
        assertThat(queueA.ack(lease)).isTrue();
        assertThat(queueA.ack(lease)).isFalse();
        assertThat(queueB.depth()).isEmpty();
    }

    @Test
    void aMessageHandedOutTooOftenIsTerminatedAndDeadLettered() throws InterruptedException {
        NatsSegmentQueue strict = new NatsSegmentQueue(nodeA, queueA.settings().withMaxDeliveries(2));
        SegmentRef ref = new SegmentRef("t1", "run-poison", 3, "sched-nightly");
        strict.enqueue(ref, Instant.now());
        for (int i = 0; i < 2; i++) {
            Lease l = strict.claim("node-a-w0", LONG).orElseThrow();
            assertThat(strict.retryAt(l, Instant.now())).isTrue(); // the worker crashes on it, say
        }
        assertThat(strict.claim("node-a-w0", LONG)).as("third delivery is refused").isEmpty();
        List<DeadLetter> dead = strict.deadLetters("t1", 10);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).ref()).isEqualTo(ref);
        assertThat(dead.get(0).reason()).isEqualTo("delivered 2 times (max 2)");
        assertThat(dead.get(0).deliveries()).isEqualTo(2);
        assertThat(strict.depth()).isEmpty();
        Thread.sleep(1_200);
        assertThat(queueB.claim("node-b-w0", LONG)).as("terminated: never delivered again").isEmpty();
    }
}
