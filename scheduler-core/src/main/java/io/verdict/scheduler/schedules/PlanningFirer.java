package io.verdict.scheduler.schedules;

import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Fires a schedule by planning a {@code cron} sweep over its selector. Takes the planning function rather than the
 * scheduler facade ({@code scheduler::plan}) because the facade depends on this package, not the other way round.
 */
public final class PlanningFirer implements ScheduleFirer {
    private final Function<PlanRequest, PlannedRun> plan;

    public PlanningFirer(Function<PlanRequest, PlannedRun> plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    @Override
    public PlannedRun fire(Schedule schedule, Instant fireTime) {
        return plan.apply(request(schedule, fireTime));
    }

    /** The plan request of one fire: all images the selector allows, filtered by {@code onlyIf.lastReportOlderThanDays}. */
    public static PlanRequest request(Schedule s, Instant fireTime) {
        return request(s, Trigger.CRON, null, new RunReason(null, null, null, null, null, null, null,
                correlationId(s, fireTime)));
    }

    /**
     * What running the schedule means, whoever triggers it (cron, or an operator's manual run naming the schedule):
     * its selector confined to its tenant, its mode unless {@code mode} overrides it, its {@code onlyIf} filter.
     */
    public static PlanRequest request(Schedule s, Trigger trigger, Mode mode, RunReason reason) {
        Selector selector = s.selection() == null ? Selector.allImages(s.tenantId()) : s.selection().withTenant(s.tenantId());
        return new PlanRequest(s.tenantId(), trigger, mode == null ? s.mode() : mode, selector, Set.of(), true, false,
                reason, s.id(), null, Set.of(), s.onlyIf().lastReportOlderThanDays(), s.limits().maxJobs());
    }

    /** Ties the run to its schedule fire in logs and events: {@code cron:<scheduleId>:<fireInstant>}. */
    public static String correlationId(Schedule s, Instant fireTime) {
        return "cron:" + s.id() + ":" + fireTime;
    }
}
