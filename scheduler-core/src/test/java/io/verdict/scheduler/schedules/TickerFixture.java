package io.verdict.scheduler.schedules;

import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared builders for ticker tests: schedules and a firer that counts fires per (schedule, fire time). */
final class TickerFixture {
    private TickerFixture() {}

    static Schedule schedule(String id, String cron, String zone, Instant createdAt) {
        return schedule(id, cron, zone, Schedule.DstPolicy.DEFAULT, createdAt);
    }

    static Schedule schedule(String id, String cron, String zone, Schedule.DstPolicy dst, Instant createdAt) {
        return new Schedule(id, "t1", "schedule " + id, true, cron, zone, Mode.ANALYSIS_ONLY, Selector.allImages("t1"),
                null, null, null, dst, createdAt, "alice", createdAt, "alice", null, null, 1);
    }

    static PlannedRun plannedRun(Schedule s, String runId, Instant at) {
        Run run = new Run(runId, s.tenantId(), s.id(), Trigger.CRON, s.mode(), RunState.QUEUED,
                RunReason.manual(null, "c"), at, null, null, null, null, "digest", 1, 3, 3, 1);
        return new PlannedRun(run, List.of(), new ImpactSet(s.selection(), List.of(), false, at, 3, at));
    }

    /** Counts fires; run ids are {@code run-<n>}. */
    static final class CountingFirer implements ScheduleFirer {
        final Map<String, AtomicInteger> fires = new ConcurrentHashMap<>();
        final AtomicInteger total = new AtomicInteger();

        @Override
        public PlannedRun fire(Schedule schedule, Instant fireTime) {
            fires.computeIfAbsent(schedule.id() + "@" + fireTime, k -> new AtomicInteger()).incrementAndGet();
            return plannedRun(schedule, "run-" + total.incrementAndGet(), fireTime);
        }

        int count(String scheduleId, String fireTime) {
            AtomicInteger n = fires.get(scheduleId + "@" + Instant.parse(fireTime));
            return n == null ? 0 : n.get();
        }
    }
}
