package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.runs.DeltaSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch implementations of the ports (recordAll, latestAll/saveAll, appendAll, release, maxFencingToken) on both
 * dialects: what the core's contracts do not pin down (one statement per 500, counts of new rows, big batches).
 */
class JdbcBatchMethodsTest {
    private static TestDatabase sqlite;
    private static TestDatabase postgres;
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11.123Z");

    @AfterAll
    static void dropDatabases() {
        if (sqlite != null) sqlite.close();
        if (postgres != null) postgres.close();
    }

    abstract static class Batches {
        abstract JdbcDatabase db();

        private static DeltaSummary delta(String run, String digest) {
            return new DeltaSummary(run, "t1", digest, 1, new io.verdict.scheduler.runs.SeverityCounts(1, 0, 0, 0, 0, 0, 0),
                    List.of(), List.of(), null, T0);
        }

        @Test
        void recordAllStoresEachDeltaOnceAndSaysWhichWereNew() {
            JdbcDeltaStore deltas = new JdbcDeltaStore(db());
            assertThat(deltas.record(delta("r1", "sha256:b"))).isTrue();
            List<DeltaSummary> stored = deltas.recordAll(List.of(delta("r1", "sha256:a"), delta("r1", "sha256:b"),
                    delta("r1", "sha256:c")));
            assertThat(stored).extracting(DeltaSummary::imageDigest).containsExactly("sha256:a", "sha256:c");
            assertThat(deltas.forRun("r1")).hasSize(3);
        }

        @Test
        void latestAllReadsManyReportsAndSaveAllWritesThem() {
            JdbcVerdictStore verdicts = new JdbcVerdictStore(db());
            List<ScanReport> reports = IntStream.range(0, 700)
                    .mapToObj(i -> new ScanReport("rep-" + i, "sha256:" + i, "pass", List.of(), T0)).toList();
            verdicts.saveAll("t1", reports);
            Map<String, ScanReport> found = verdicts.latestAll("t1",
                    List.of("sha256:0", "sha256:699", "sha256:nope", "sha256:0"));
            assertThat(found).containsOnlyKeys("sha256:0", "sha256:699");
            assertThat(found.get("sha256:699")).isEqualTo(reports.get(699));
            assertThat(verdicts.latestAll("t2", List.of("sha256:0"))).as("per tenant").isEmpty();
        }

        @Test
        void appendAllGivesConsecutiveSeqsAfterTheExistingOnes() {
            JdbcRunEventLog log = new JdbcRunEventLog(db(), Clock.tickMillis(ZoneOffset.UTC), Duration.ofMillis(20));
            log.append("t1", "r1", new RunEvent.Log("info", "first", null));
            List<RunEventRecord> batch = log.appendAll("t1", "r1", List.of(new RunEvent.Log("info", "a", null),
                    new RunEvent.Log("info", "b", null)));
            assertThat(batch).extracting(RunEventRecord::seq).containsExactly(2L, 3L);
            assertThat(log.after("r1", 0, 10)).extracting(RunEventRecord::seq).containsExactly(1L, 2L, 3L);
            log.close();
        }

        @Test
        void releaseGivesTheMessageBackWithoutCountingTheDelivery() {
            ManualClock clock = new ManualClock(T0);
            JdbcSegmentQueue queue = new JdbcSegmentQueue(db(), clock);
            queue.enqueue(new SegmentRef("t1", "r1", 0, null), T0);
            Lease first = queue.claim("w1", Duration.ofMinutes(1)).orElseThrow();
            assertThat(queue.release(first, T0)).isTrue();
            assertThat(queue.release(first, T0)).as("the lease is over").isFalse();
            Lease second = queue.claim("w2", Duration.ofMinutes(1)).orElseThrow();
            assertThat(second.deliveries()).isEqualTo(1);
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        }

        @Test
        void maxFencingTokenIsTheHighestStored() {
            JdbcSegmentStore segments = new JdbcSegmentStore(db());
            assertThat(segments.maxFencingToken()).isZero();
            segments.insertAll(List.of(CrashingWriter.segment("r1", 0), CrashingWriter.segment("r1", 1)));
            var s = segments.find("r1", 1).orElseThrow();
            segments.update(s.leasedBy("w1", 41, T0.plusSeconds(30), T0));
            assertThat(segments.maxFencingToken()).isEqualTo(41);
        }
    }

    @Nested
    class OnSqlite extends Batches {
        @Override
        JdbcDatabase db() {
            if (sqlite == null) sqlite = TestDatabase.sqlite(JdbcBatchMethodsTest.class);
            return sqlite.fresh();
        }
    }

    @Nested
    class OnPostgres extends Batches {
        @Override
        JdbcDatabase db() {
            if (postgres == null) postgres = TestDatabase.postgres(JdbcBatchMethodsTest.class);
            return postgres.fresh();
        }
    }
}
