package io.verdict.scheduler.app.runtime;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.app.demo.DemoEstate;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded default keeps its state in the data directory: a restart mid-run loses nothing and redoes nothing. */
class EmbeddedRestartTest {
    private static AppConfig config(Path dir, int workers) {
        return AppConfig.load(Map.of(), Map.of("SCHEDULER_DATA_DIR", dir.toString(), "SCHEDULER_WORKERS", "" + workers,
                "SCHEDULER_SEED", "5", "SCHEDULER_SIM_LATENCY_MS", "4", "SCHEDULER_SEGMENT_SIZE", "20",
                "SCHEDULER_LEASE_SECONDS", "5"));
    }

    @Test
    void restartMidRunResumesAndCompletesTheRun(@TempDir Path dir) throws Exception {
        String runId;
        int targets;
        try (SchedulerRuntime first = SchedulerRuntime.start(config(dir, 2), SchedulerMetrics.NONE)) {
            Scheduler s = first.scheduler();
            new DemoEstate(5).images(600).stream().filter(i -> i.tenantId().equals("demo")).forEach(s::indexImage);
            s.schedules(); // schedules service is there, nothing scheduled here
            Run run = s.plan(PlanRequest.sweep("demo", Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages("demo"),
                    RunReason.manual("restart test", null), null)).run();
            runId = run.id();
            targets = run.deduped();
            while (s.stats(s.run("demo", runId)).processed() < targets / 4) Thread.sleep(20);
        } // graceful stop: workers finish the segments in hand, the rest stays queued on disk

        try (SchedulerRuntime second = SchedulerRuntime.start(config(dir, 3), SchedulerMetrics.NONE)) {
            Scheduler s = second.scheduler();
            assertThat(s.indexedImages("demo")).as("index rebuilt from the store").isEqualTo(targets);
            RunStats before = s.stats(s.run("demo", runId));
            assertThat(before.processed()).isBetween(targets / 4, targets - 1);
            Run done = s.awaitTerminal("demo", runId, Duration.ofSeconds(60));
            assertThat(done.state()).isEqualTo(RunState.COMPLETED);
            List<Segment> segments = s.segments(done);
            assertThat(segments).allSatisfy(seg -> assertThat(seg.state()).isEqualTo(SegmentState.COMPLETED));
            RunStats stats = s.stats(done);
            assertThat(stats.completed()).isEqualTo(targets);
            assertThat(s.deltas(done)).hasSize(stats.deltas());
            assertThat(s.deltas(done).stream().map(d -> d.imageDigest()).distinct().count()).isEqualTo(stats.deltas());
        }
    }
}
