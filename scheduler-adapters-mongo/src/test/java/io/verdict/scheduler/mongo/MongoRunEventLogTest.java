package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.inmemory.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Beyond RunEventLogContract: several instances appending and subscribing on one database. */
class MongoRunEventLogTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoRunEventLogTest.class);
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");

    private final ManualClock clock = new ManualClock(T0);
    private MongoDatabase db;
    private MongoRunEventLog log;
    private MongoRunEventLog otherInstance;

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @BeforeEach
    void freshLog() {
        db = DB.fresh();
        log = new MongoRunEventLog(db, clock, Duration.ofMillis(20));
        otherInstance = new MongoRunEventLog(db, clock, Duration.ofMillis(20));
    }

    @AfterEach
    void closeLogs() {
        log.close();
        otherInstance.close();
    }

    private static RunEvent logLine(String message) {
        return new RunEvent.Log("info", message, "corr-1");
    }

    @Test
    void concurrentAppendsFromTwoInstancesGetGaplessUniqueSequenceNumbers() throws Exception {
        int threadsPerInstance = 3;
        int appendsPerThread = 15;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerInstance * 2);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threadsPerInstance * 2; t++) {
                MongoRunEventLog instance = t % 2 == 0 ? log : otherInstance;
                int writer = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < appendsPerThread; i++) instance.append("acme", "hot", logLine(writer + "/" + i));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        List<RunEventRecord> all = log.after("hot", 0, 1000);
        int total = threadsPerInstance * 2 * appendsPerThread;
        assertThat(all).hasSize(total);
        for (int i = 0; i < total; i++) assertThat(all.get(i).seq()).isEqualTo(i + 1L);
        // Each writer's own events keep their order.
        for (int t = 0; t < threadsPerInstance * 2; t++) {
            String prefix = t + "/";
            List<String> own = all.stream().map(r -> ((RunEvent.Log) r.event()).message())
                    .filter(m -> m.startsWith(prefix)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < appendsPerThread; i++) expected.add(prefix + i);
            assertThat(own).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void subscriberGetsLaterEventsInOrderFromEveryInstanceButNotEarlierOnes() throws Exception {
        log.append("acme", "run-1", logLine("before"));
        List<Long> received = new CopyOnWriteArrayList<>();
        List<String> messages = new CopyOnWriteArrayList<>();
        AutoCloseable sub = log.subscribe("run-1", r -> {
            received.add(r.seq());
            messages.add(((RunEvent.Log) r.event()).message());
        });
        log.append("acme", "run-1", logLine("local"));
        otherInstance.append("acme", "run-1", logLine("remote"));
        log.append("acme", "run-2", logLine("other run"));
        log.append("acme", "run-1", logLine("local again"));

        await(() -> received.size() >= 3);
        assertThat(received).containsExactly(2L, 3L, 4L);
        assertThat(messages).containsExactly("local", "remote", "local again");

        sub.close();
        await(() -> log.activePollers() == 0);
        log.append("acme", "run-1", logLine("after close"));
        Thread.sleep(100);
        assertThat(received).hasSize(3);
    }

    @Test
    void aSubscriberOnAnotherInstanceSeesEventsAppendedHere() throws Exception {
        List<Long> received = new CopyOnWriteArrayList<>();
        try (AutoCloseable ignored = otherInstance.subscribe("run-1", r -> received.add(r.seq()))) {
            for (int i = 0; i < 5; i++) log.append("acme", "run-1", logLine("e" + i));
            await(() -> received.size() >= 5);
        }
        assertThat(received).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void lateSubscriberOfAWatchedRunStartsAtItsOwnSubscriptionPoint() throws Exception {
        List<Long> first = new CopyOnWriteArrayList<>();
        List<Long> second = new CopyOnWriteArrayList<>();
        try (AutoCloseable a = log.subscribe("run-1", r -> first.add(r.seq()))) {
            log.append("acme", "run-1", logLine("1"));
            log.append("acme", "run-1", logLine("2"));
            try (AutoCloseable b = log.subscribe("run-1", r -> second.add(r.seq()))) {
                log.append("acme", "run-1", logLine("3"));
                await(() -> first.size() >= 3 && !second.isEmpty());
            }
        }
        assertThat(first).containsExactly(1L, 2L, 3L);
        assertThat(second).containsExactly(3L);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
            Thread.sleep(10);
        }
    }
}
