package io.verdict.scheduler.redis;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.execution.Finding;
import io.verdict.scheduler.execution.FindingStatus;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.ScanRequest;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.Schedule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core's {@code ExecutionProgressTest.aRateLimitedRunDoesNotStarveAnotherTenantsRun} with the work queue on Redis:
 * a big rate-limited run of tenant A holds both workers' attention, yet tenant B's small run, planned after A's
 * segments were all queued, finishes while A is still running.
 *
 * <p>With the default parallelism of a rate-limited run (1), workers that claim A's other segments give them back
 * at once, so B gets through even in strict stream order. The second test lets A use both workers
 * ({@code parallelism 2}): in stream order B would then wait behind all of A's segments (about 10 s at A's rate);
 * fair claims hand B's segments out as soon as a worker finishes its current segment.
 */
class RedisFairShareTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");

    private RedisConnection redis;
    private String prefix;

    @BeforeEach
    void connect() {
        redis = RedisTestSupport.connect();
        prefix = RedisTestSupport.uniquePrefix();
    }

    @AfterEach
    void cleanUp() {
        RedisTestSupport.deleteKeys(redis, prefix);
        redis.close();
    }

    private static ScanReport newCritical(ScanRequest req) {
        return new ScanReport("r-" + req.imageDigest().substring(7, 15), req.imageDigest(), "fail",
                List.of(new Finding("CVE-2025-0001", "pkg:deb/debian/openssl@3.0.11-1", Severity.CRITICAL, false,
                        FindingStatus.AFFECTED)), T0);
    }

    private static PlannedRun planAll(Scheduler s, String tenant, String scheduleId) {
        return s.plan(PlanRequest.sweep(tenant, Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages(tenant),
                RunReason.manual("test", null), scheduleId));
    }

    @Test
    void aRateLimitedRunOnTheRedisQueueDoesNotStarveAnotherTenantsRun() throws Exception {
        assertBFinishesWhileAIsRunning(new Schedule.Limits(null, 20.0, null, 1));
    }

    @Test
    void aRateLimitedRunHoldingEveryWorkerStillLetsAnotherTenantsRunThrough() throws Exception {
        assertBFinishesWhileAIsRunning(new Schedule.Limits(null, 20.0, 2, 1));
    }

    private void assertBFinishesWhileAIsRunning(Schedule.Limits limitsOfA) throws Exception {
        Storage mem = Storage.inMemory(Clock.systemUTC());
        RedisSegmentQueue queue = new RedisSegmentQueue(redis, RedisQueueSettings.runner(prefix),
                () -> mem.segments().maxFencingToken());
        Scheduler s = Scheduler.builder().storage(mem).queue(queue).seed(5).scanner(RedisFairShareTest::newCritical)
                .segmentSize(10).leaseTime(Duration.ofSeconds(30)).build();
        TestEstate.images("tenant-a", 200).forEach(s::indexImage);
        TestEstate.images("tenant-b", 20).forEach(s::indexImage);
        // 200 targets at 20 per second: about 10 s of work for tenant A, queued as 20 segments ahead of B's 2.
        mem.schedules().insert(new Schedule("slow", "tenant-a", "schedule slow", true, "0 3 * * *", "UTC",
                Mode.ANALYSIS_ONLY, Selector.allImages("tenant-a"), null, null, limitsOfA,
                null, T0, "alice", T0, "alice", null, null, 1));
        PlannedRun a = planAll(s, "tenant-a", "slow");
        s.startWorkers(2);
        Thread.sleep(300); // A's segments are in the workers' hands before B's run exists
        PlannedRun b = planAll(s, "tenant-b", null);
        Run bDone = s.awaitTerminal("tenant-b", b.run().id(), Duration.ofSeconds(5));
        Run aNow = s.run("tenant-a", a.run().id());
        s.close();
        assertThat(bDone.state()).as("B finished while A was still running").isEqualTo(RunState.COMPLETED);
        assertThat(aNow.state()).isIn(RunState.QUEUED, RunState.RUNNING);
        assertThat(s.stats(aNow).processed()).isLessThan(200);
    }
}
