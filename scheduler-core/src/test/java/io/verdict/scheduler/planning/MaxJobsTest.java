package io.verdict.scheduler.planning;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.inmemory.ManualClock;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.PlanningFirer;
import io.verdict.scheduler.schedules.Schedule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code limits.maxJobs}: the planner keeps the first N targets of its ordered list, the same N every time. */
class MaxJobsTest {
    private static final Instant T0 = Instant.parse("2025-10-26T14:05:11Z");

    private static Scheduler scheduler() {
        Scheduler s = Scheduler.builder().clock(new ManualClock(T0)).seed(7).segmentSize(10).build();
        TestEstate.images("acme", 60).forEach(s::indexImage);
        return s;
    }

    private static PlanRequest sweep(Integer maxJobs) {
        return PlanRequest.sweep("acme", Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages("acme"),
                RunReason.manual("capped", "c-1"), null).withMaxJobs(maxJobs);
    }

    @Test
    void theRunIsCappedDeterministicallyAndTheCapIsRecorded() {
        PlannedRun capped = scheduler().plan(sweep(25));
        assertThat(capped.run().deduped()).isEqualTo(25);
        assertThat(capped.run().candidates()).isEqualTo(60);
        assertThat(capped.segments().stream().flatMap(s -> s.digests().stream()).toList())
                .containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(TestEstate::digest).toList());
        assertThat(scheduler().plan(sweep(25)).run().planDigest()).as("same inputs, same plan")
                .isEqualTo(capped.run().planDigest());
        assertThat(scheduler().plan(sweep(null)).run().planDigest()).isNotEqualTo(capped.run().planDigest());
        Scheduler s = scheduler();
        PlannedRun again = s.plan(sweep(25));
        List<String> logs = s.queries().events().after(again.run().id(), 0, 100).stream().map(RunEventRecord::event)
                .filter(e -> e instanceof RunEvent.Log).map(e -> ((RunEvent.Log) e).message()).toList();
        assertThat(logs).anySatisfy(m -> assertThat(m).contains("limits.maxJobs 25").contains("25 of 60"));
    }

    @Test
    void aCapAboveTheTargetCountChangesNothing() {
        PlannedRun plain = scheduler().plan(sweep(null));
        PlannedRun loose = scheduler().plan(sweep(100));
        assertThat(loose.run().deduped()).isEqualTo(60);
        assertThat(loose.run().planDigest()).isEqualTo(plain.run().planDigest());
    }

    @Test
    void aScheduleFireCarriesItsMaxJobs() {
        Schedule s = new Schedule("nightly", "acme", "nightly", true, "0 3 * * *", "UTC", Mode.ANALYSIS_ONLY,
                Selector.allImages("acme"), null, null, new Schedule.Limits(12, null, null, null), null, T0, "alice",
                T0, "alice", null, null, 1);
        PlannedRun fired = scheduler().plan(PlanningFirer.request(s, T0));
        assertThat(fired.run().deduped()).isEqualTo(12);
        assertThat(fired.segments()).extracting(Segment::size).containsExactly(10, 2);
    }
}
