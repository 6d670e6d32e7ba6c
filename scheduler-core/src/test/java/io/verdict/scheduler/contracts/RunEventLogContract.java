package io.verdict.scheduler.contracts;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.TopFinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link RunEventLog} adapter must do: per-run sequence numbers from 1, resumable reads after a
 * sequence number (SSE {@code Last-Event-ID}), live delivery in order until the subscription is closed.
 * Distributed adapters deliver asynchronously, so the live tests wait (bounded) for deliveries.
 */
public abstract class RunEventLogContract {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);

    protected RunEventLog log;

    /** A fresh, empty log; called before every test. */
    protected abstract RunEventLog newLog();

    /** How long to wait before concluding that no further event will be delivered (zero for synchronous logs). */
    protected Duration quietPeriod() {
        return Duration.ZERO;
    }

    @BeforeEach
    void openLog() {
        log = newLog();
    }

    @AfterEach
    void closeLog() throws Exception {
        if (log instanceof AutoCloseable c) c.close();
    }

    /** One event of every kind, with the awkward values (nulls, quotes, unicode, lists) a codec could lose. */
    protected static List<RunEvent> everyKind() {
        DeltaSummary delta = new DeltaSummary("run-a", "t1", "sha256:" + "ab".repeat(32), 3, new SeverityCounts(1, 1, 1, 0, 2, 1, 1),
                List.of("CVE-2025-0001"),
                List.of(new TopFinding("pkg:npm/lodash@4.17.21", "CVE-2025-0001", Severity.CRITICAL, true),
                        new TopFinding("pkg:deb/debian/openssl@3.0.11-1?arch=amd64", "CVE-2025-0002", Severity.HIGH, false)),
                null, Instant.parse("2025-10-26T14:05:11Z"));
        DeltaSummary quiet = new DeltaSummary("run-a", "t1", "sha256:" + "cd".repeat(32), 0, new SeverityCounts(0, 0, 0, 0, 0, 1, 0),
                List.of(), List.of(), "https://scanner.example/reports/42", Instant.parse("2025-10-26T14:05:12.250Z"));
        return List.of(
                new RunEvent.StateChanged(RunState.RUNNING, null),
                new RunEvent.SegmentProgress(0, SegmentState.COMPLETED, 1, 25, 25, 25, 100, "node-a-w0"),
                new RunEvent.SegmentProgress(1, SegmentState.QUEUED, 2, 0, 25, 25, 100, null),
                new RunEvent.DeltaReported(delta),
                new RunEvent.DeltaReported(quiet),
                new RunEvent.Log("warn", "segment 1 failed (\"timeout\"); retry — ünïcode\nsecond line", "corr-1"),
                new RunEvent.Log("info", "", null),
                new RunEvent.StateChanged(RunState.ERROR, ErrorCode.ERR_RUN_006));
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        while (!condition.get() && System.nanoTime() < deadline) Thread.sleep(10);
    }

    private void quiet() throws InterruptedException {
        if (!quietPeriod().isZero()) Thread.sleep(quietPeriod().toMillis());
    }

    @Test
    void appendNumbersEventsPerRunFromOne() {
        RunEvent e = new RunEvent.Log("info", "hello", "corr-1");
        RunEventRecord a1 = log.append("t1", "run-a", e);
        RunEventRecord b1 = log.append("t1", "run-b", e);
        RunEventRecord a2 = log.append("t1", "run-a", e);
        RunEventRecord a3 = log.append("t1", "run-a", e);

        assertThat(List.of(a1.seq(), a2.seq(), a3.seq())).containsExactly(1L, 2L, 3L);
        assertThat(b1.seq()).isEqualTo(1L);
        assertThat(a2.tenantId()).isEqualTo("t1");
        assertThat(a2.runId()).isEqualTo("run-a");
        assertThat(a2.event()).isEqualTo(e);
        assertThat(a2.occurredAt()).isNotNull();
    }

    @Test
    void everyKindOfEventIsReadBackUnchanged() {
        List<RunEvent> events = everyKind();
        events.forEach(e -> log.append("t1", "run-a", e));

        List<RunEventRecord> read = log.after("run-a", 0, 100);
        assertThat(read).extracting(RunEventRecord::event).containsExactlyElementsOf(events);
        assertThat(read).allSatisfy(r -> {
            assertThat(r.tenantId()).isEqualTo("t1");
            assertThat(r.runId()).isEqualTo("run-a");
        });
    }

    @Test
    void afterReturnsExactlyTheLaterEventsOldestFirst() {
        for (int i = 1; i <= 5; i++) log.append("t1", "run-a", new RunEvent.Log("info", "event " + i, null));
        log.append("t1", "run-b", new RunEvent.Log("info", "other run", null));

        assertThat(log.after("run-a", 0, 100)).extracting(RunEventRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(log.after("run-a", 2, 100)).extracting(RunEventRecord::seq).containsExactly(3L, 4L, 5L);
        assertThat(log.after("run-a", 2, 100).get(0).event()).isEqualTo(new RunEvent.Log("info", "event 3", null));
        assertThat(log.after("run-a", 2, 2)).extracting(RunEventRecord::seq).containsExactly(3L, 4L);
        assertThat(log.after("run-a", 5, 100)).isEmpty();
        assertThat(log.after("run-a", 99, 100)).isEmpty();
        assertThat(log.after("run-unknown", 0, 100)).isEmpty();
    }

    @Test
    void subscriberReceivesLiveEventsOfItsRunInOrder() throws Exception {
        log.append("t1", "run-a", new RunEvent.Log("info", "before the subscription", null));
        List<RunEventRecord> got = new CopyOnWriteArrayList<>();
        try (AutoCloseable ignored = log.subscribe("run-a", got::add)) {
            for (int i = 0; i < 20; i++) {
                log.append("t1", "run-a", new RunEvent.Log("info", "live " + i, null));
                if (i % 5 == 0) log.append("t1", "run-b", new RunEvent.Log("info", "other run", null));
            }
            await(() -> got.size() >= 20);
            quiet();
            assertThat(got).extracting(RunEventRecord::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(2, 21).boxed().toList());
            assertThat(got).allSatisfy(r -> assertThat(r.runId()).isEqualTo("run-a"));
            assertThat(got.get(0).event()).isEqualTo(new RunEvent.Log("info", "live 0", null));
        }
    }

    @Test
    void closingASubscriptionStopsDeliveryToItOnly() throws Exception {
        List<RunEventRecord> closed = new CopyOnWriteArrayList<>();
        List<RunEventRecord> open = new CopyOnWriteArrayList<>();
        AutoCloseable first = log.subscribe("run-a", closed::add);
        AutoCloseable second = log.subscribe("run-a", open::add);
        log.append("t1", "run-a", new RunEvent.Log("info", "one", null));
        await(() -> closed.size() == 1 && open.size() == 1);

        first.close();
        log.append("t1", "run-a", new RunEvent.Log("info", "two", null));
        log.append("t1", "run-a", new RunEvent.Log("info", "three", null));
        await(() -> open.size() == 3);
        quiet();

        assertThat(closed).extracting(RunEventRecord::seq).containsExactly(1L);
        assertThat(open).extracting(RunEventRecord::seq).containsExactly(1L, 2L, 3L);
        second.close();
    }

    @Test
    void aFailingSubscriberBreaksNeitherTheWriterNorOtherSubscribers() throws Exception {
        List<RunEventRecord> healthy = new CopyOnWriteArrayList<>();
        try (AutoCloseable broken = log.subscribe("run-a", r -> { throw new IllegalStateException("client gone"); });
             AutoCloseable fine = log.subscribe("run-a", healthy::add)) {
            assertThat(log.append("t1", "run-a", new RunEvent.Log("info", "one", null)).seq()).isEqualTo(1L);
            assertThat(log.append("t1", "run-a", new RunEvent.Log("info", "two", null)).seq()).isEqualTo(2L);
            await(() -> healthy.size() == 2);
            assertThat(healthy).extracting(RunEventRecord::seq).containsExactly(1L, 2L);
        }
    }

    @Test
    public void batchAppendKeepsOrderAndNumbersConsecutively() {
        log.append("t1", "run-a", new RunEvent.Log("info", "before", null));
        List<RunEvent> batch = everyKind();
        List<RunEventRecord> written = log.appendAll("t1", "run-a", batch);
        assertThat(written).extracting(RunEventRecord::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, batch.size() + 1).boxed().toList());
        List<RunEventRecord> read = log.after("run-a", 1, 100);
        assertThat(read).extracting(RunEventRecord::event).containsExactlyElementsOf(batch);
        assertThat(log.appendAll("t1", "run-a", List.of())).isEmpty();
        assertThat(log.append("t1", "run-a", new RunEvent.Log("info", "after", null)).seq()).isEqualTo(batch.size() + 2L);
    }
}
