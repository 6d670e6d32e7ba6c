package io.verdict.scheduler;

import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.Caller;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleSpec;
import io.verdict.scheduler.schedules.TickDecision;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A nightly schedule created through the facade fires a cron run over its selector, once per fire time. */
class CronThroughFacadeTest {
    @Test
    void dueScheduleFiresOneCronRunAndRecordsTheDecision() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2025-10-26T01:55:00Z"));
        Scheduler s = Scheduler.builder().clock(clock).seed(1).segmentSize(20).build();
        TestEstate.images("acme", 50).forEach(s::indexImage);
        Schedule nightly = s.schedules().create(new Caller("acme", "alice", "c-1"),
                ScheduleSpec.simple("nightly", "0 2 * * *", "UTC"));

        clock.advance(Duration.ofMinutes(4));
        assertThat(s.tick().decisions()).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        s.tick();
        s.tick(); // a second tick (or instance) in the same minute must not fire again

        List<Run> runs = s.runs(RunFilter.tenant("acme"), null, 10).items();
        assertThat(runs).singleElement().satisfies(r -> {
            assertThat(r.trigger()).isEqualTo(Trigger.CRON);
            assertThat(r.scheduleId()).isEqualTo(nightly.id());
            assertThat(r.deduped()).isEqualTo(50);
            assertThat(r.state()).isEqualTo(RunState.QUEUED);
        });
        assertThat(s.schedules().decisions("acme", nightly.id(), null, 10))
                .extracting(TickDecision::runId).containsExactly(runs.get(0).id());
        assertThat(s.schedules().next("acme", nightly.id(), 1)).containsExactly(Instant.parse("2025-10-27T02:00:00Z"));
    }
}
