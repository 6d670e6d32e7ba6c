package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.TopFinding;
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

/** Ordered per-run events with live subscription across instances, over the wire protocol. */
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
    void everyEventKindRoundTripsWithPerRunSequenceNumbers() {
        DeltaSummary delta = new DeltaSummary("run-1", "acme", "sha256:" + "1".repeat(64), 2, 1, 1, 0, 0, 1, 0,
                List.of("CVE-2024-3094"), List.of(new TopFinding("pkg:deb/debian/xz-utils@5.6.0", "CVE-2024-3094",
                Severity.CRITICAL, true)), "https://scanner.example/r/1", T0);
        List<RunEvent> events = List.of(
                new RunEvent.StateChanged(RunState.RUNNING, null),
                new RunEvent.SegmentProgress(3, SegmentState.COMPLETED, 2, 100, 100, 450, 1000, "node-1/w2"),
                new RunEvent.DeltaReported(delta),
                new RunEvent.Log("warn", "scanner slow", null),
                new RunEvent.StateChanged(RunState.ERROR, ErrorCode.ERR_RUN_006));
        List<RunEventRecord> appended = new ArrayList<>();
        for (RunEvent e : events) {
            appended.add(log.append("acme", "run-1", e));
            clock.advance(Duration.ofMillis(5));
        }
        log.append("acme", "run-2", logLine("other run"));

        assertThat(appended).extracting(RunEventRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(log.after("run-1", 0, 100)).containsExactlyElementsOf(appended);
        assertThat(appended.get(4)).isEqualTo(new RunEventRecord("acme", "run-1", 5, T0.plusMillis(20), events.get(4)));
        assertThat(log.after("run-2", 0, 100)).extracting(RunEventRecord::seq).containsExactly(1L);
    }

    @Test
    void afterResumesFromALastSeenIdWithALimit() {
        for (int i = 1; i <= 10; i++) log.append("acme", "run-1", logLine("line " + i));
        assertThat(log.after("run-1", 4, 3)).extracting(RunEventRecord::seq).containsExactly(5L, 6L, 7L);
        assertThat(log.after("run-1", 10, 3)).isEmpty();
        assertThat(log.after("unknown", 0, 3)).isEmpty();
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
    void aFailingListenerDoesNotStopTheOthers() throws Exception {
        List<Long> healthy = new CopyOnWriteArrayList<>();
        try (AutoCloseable broken = log.subscribe("run-1", r -> { throw new IllegalStateException("closed socket"); });
             AutoCloseable fine = log.subscribe("run-1", r -> healthy.add(r.seq()))) {
            log.append("acme", "run-1", logLine("a"));
            log.append("acme", "run-1", logLine("b"));
            await(() -> healthy.size() >= 2);
        }
        assertThat(healthy).containsExactly(1L, 2L);
        await(() -> log.activePollers() == 0);
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
