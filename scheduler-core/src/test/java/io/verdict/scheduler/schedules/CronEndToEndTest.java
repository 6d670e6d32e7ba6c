package io.verdict.scheduler.schedules;

import io.verdict.scheduler.inmemory.ManualClock;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.inmemory.InMemoryTickLedger;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.TickDecision.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ticker wired to a real scheduler facade the way the facade will wire it: the planner fires, runs overlap. */
class CronEndToEndTest {
    private static final String PROD = "sha256:" + "a".repeat(64);
    private static final String DEV = "sha256:" + "b".repeat(64);

    @Test
    void aFiredScheduleIsACronRunOverItsSelectorAndTheNextFireWaitsForIt() {
        ManualClock clock = ManualClock.at("2025-01-01T00:30:00Z");
        Storage storage = Storage.inMemory(clock);
        io.verdict.scheduler.queue.LockService locks = new io.verdict.scheduler.inmemory.InMemoryLockService(clock);
        Scheduler scheduler = Scheduler.builder().clock(clock).seed(7).storage(storage).locks(locks).instanceId("node-a").build();
        scheduler.indexImage(image(PROD, "prod"));
        scheduler.indexImage(image(DEV, "dev"));
        TickLedger ledger = new InMemoryTickLedger();
        ScheduleService service = new ScheduleService(storage.schedules(), ledger, storage.audit(), clock);
        ScheduleTicker ticker = new ScheduleTicker(storage.schedules(), ledger, locks,
                new PlanningFirer(scheduler::plan), ActiveRuns.of(storage.runs()), OnlyIfCondition.ALWAYS,
                TickerSettings.DEFAULT, "node-a");

        Schedule s = service.create(new Caller("t1", "alice", "c-1"),
                ScheduleSpec.simple("prod hourly", "0 * * * *", "Europe/Berlin")
                        .withSelection(Selector.byNamespace(null, "prod")));

        clock.set(Instant.parse("2025-01-01T01:00:10Z"));
        TickDecision fired = ticker.tick(clock.instant()).decisions().get(0);
        assertThat(fired.outcome()).isEqualTo(Outcome.FIRED);
        Run run = scheduler.run("t1", fired.runId());
        assertThat(run.trigger()).isEqualTo(Trigger.CRON);
        assertThat(run.scheduleId()).isEqualTo(s.id());
        assertThat(run.state()).isEqualTo(RunState.QUEUED);
        assertThat(run.reason().correlationId()).isEqualTo("cron:" + s.id() + ":2025-01-01T01:00:00Z");
        assertThat(scheduler.segments(run)).flatExtracting(seg -> seg.digests()).containsExactly(PROD);
        assertThat(fired.detail()).contains("1 images in 1 segments");

        // No worker runs it, so at the next fire time the previous run is still queued: overlap, not a second sweep.
        clock.set(Instant.parse("2025-01-01T02:00:10Z"));
        TickDecision next = ticker.tick(clock.instant()).decisions().get(0);
        assertThat(next.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(next.reason()).isEqualTo(TickDecision.OVERLAP);
        assertThat(next.detail()).contains(run.id());
        assertThat(service.decisions("t1", s.id(), null, 10)).extracting(TickDecision::outcome)
                .containsExactly(Outcome.SKIPPED, Outcome.FIRED);
    }

    private static ImageRecord image(String digest, String namespace) {
        return new ImageRecord("t1", digest, "registry.local", "team/app", List.of(namespace), List.of("1.0"), Map.of(),
                List.of(new Component("pkg:npm/lodash@4.17.21", true)));
    }
}
