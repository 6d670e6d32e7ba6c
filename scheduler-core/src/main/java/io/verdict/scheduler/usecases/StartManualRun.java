package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.planning.Planner;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.schedules.Caller;
import io.verdict.scheduler.schedules.PlanningFirer;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleService;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Starting a manual run, over a selector or "run this schedule now" (which plans exactly what the schedule's fire
 * would, through {@link PlanningFirer#request(Schedule, Trigger, Mode, RunReason)}, with trigger {@code manual}).
 */
public final class StartManualRun {
    /** Exactly one of {@code selector} and {@code scheduleId}; {@code mode} null: analysis-only or the schedule's. */
    public record Command(Caller caller, Selector selector, String scheduleId, Mode mode, String reason,
                          String policySnapshot) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            if (scheduleId != null && selector != null) throw ValidationException.of("selector", "give scheduleId or selector, not both");
            if (scheduleId == null && selector == null) throw ValidationException.of("selector", "required unless scheduleId is given");
            if (selector != null) selector = selector.withTenant(caller.tenantId());
        }
    }

    public record Result(PlannedRun planned) {
        public Run run() { return planned.run(); }
    }

    private final Planner planner;
    private final ScheduleService schedules;
    private final AuditTrail audit;

    StartManualRun(Planner planner, ScheduleService schedules, AuditTrail audit) {
        this.planner = planner;
        this.schedules = schedules;
        this.audit = audit;
    }

    public Result execute(Command c) {
        Caller caller = c.caller();
        String why = c.reason() == null ? "manual run by " + caller.actor() : c.reason();
        PlanRequest request;
        if (c.scheduleId() != null) {
            Schedule s = schedules.get(caller.tenantId(), c.scheduleId());
            String policy = c.policySnapshot() != null ? c.policySnapshot() : s.onlyIf().policyRevision();
            request = PlanningFirer.request(s, Trigger.MANUAL, c.mode(),
                    new RunReason(why, null, null, null, null, null, policy, caller.correlationId()));
        } else {
            request = new PlanRequest(caller.tenantId(), Trigger.MANUAL, c.mode(), c.selector(), Set.of(), true, false,
                    new RunReason(why, null, null, null, null, null, c.policySnapshot(), caller.correlationId()),
                    null, null, Set.of(), null);
        }
        PlannedRun planned = planner.plan(request);
        Run run = planned.run();
        audit.record(caller.tenantId(), caller.actor(), "run.create", run.id(), caller.correlationId(),
                Map.of("mode", run.mode().wire(), "targets", Integer.toString(run.deduped())));
        return new Result(planned);
    }
}
