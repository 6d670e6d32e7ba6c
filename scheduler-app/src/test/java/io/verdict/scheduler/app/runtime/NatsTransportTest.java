package io.verdict.scheduler.app.runtime;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.app.demo.DemoEstate;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.nats.NatsConnection;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployable with {@code SCHEDULER_NATS_URL} (the NATS at 127.0.0.1:4222, {@code -Dnats.url} to change): queue,
 * locks and run events live on JetStream, so a restart of the process mid-run picks the queued segments up again.
 */
class NatsTransportTest {
    private static final String URL = System.getProperty("nats.url", "nats://127.0.0.1:4222");
    private final String namespace = "app-" + UUID.randomUUID().toString().substring(0, 8);

    private AppConfig config(Path dir, int workers) {
        return AppConfig.load(Map.of(), Map.of("SCHEDULER_DATA_DIR", dir.toString(), "SCHEDULER_WORKERS", "" + workers,
                "SCHEDULER_SEED", "5", "SCHEDULER_SIM_LATENCY_MS", "4", "SCHEDULER_SEGMENT_SIZE", "20",
                "SCHEDULER_LEASE_SECONDS", "5", "SCHEDULER_NATS_URL", URL, "SCHEDULER_NATS_NAMESPACE", namespace));
    }

    @AfterEach
    void dropNamespace() {
        try (NatsConnection nats = NatsConnection.connect(URL)) {
            nats.deleteNamespace(namespace);
        }
    }

    @Test
    void aRunStartedOnOneProcessCompletesOnTheNextThroughJetStream(@TempDir Path dir) throws Exception {
        String runId;
        int targets;
        try (SchedulerRuntime first = SchedulerRuntime.start(config(dir, 2), SchedulerMetrics.NONE)) {
            assertThat(first.scheduler()).isNotNull();
            Scheduler s = first.scheduler();
            new DemoEstate(5).images(600).stream().filter(i -> i.tenantId().equals("demo")).forEach(s::indexImage);
            Run run = s.plan(PlanRequest.sweep("demo", Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages("demo"),
                    RunReason.manual("nats test", null), null)).run();
            runId = run.id();
            targets = run.deduped();
            while (s.stats(s.run("demo", runId)).processed() < targets / 4) Thread.sleep(20);
        }

        try (SchedulerRuntime second = SchedulerRuntime.start(config(dir, 3), SchedulerMetrics.NONE)) {
            Scheduler s = second.scheduler();
            assertThat(s.stats(s.run("demo", runId)).processed()).isBetween(targets / 4, targets - 1);
            Run done = s.awaitTerminal("demo", runId, Duration.ofSeconds(60));
            assertThat(done.state()).isEqualTo(RunState.COMPLETED);
            assertThat(s.stats(done).completed()).isEqualTo(targets);
        }

        // the run's events were kept on JetStream, numbered across both processes without a gap
        try (NatsConnection nats = NatsConnection.connect(URL);
             io.verdict.scheduler.nats.NatsRunEventLog events = new io.verdict.scheduler.nats.NatsRunEventLog(nats, namespace)) {
            List<RunEventRecord> log = events.after(runId, 0, 10_000);
            assertThat(log).isNotEmpty();
            for (int i = 0; i < log.size(); i++) assertThat(log.get(i).seq()).isEqualTo(i + 1L);
        }
    }
}
