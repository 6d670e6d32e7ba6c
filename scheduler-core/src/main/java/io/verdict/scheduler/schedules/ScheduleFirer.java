package io.verdict.scheduler.schedules;

import io.verdict.scheduler.planning.PlannedRun;

import java.time.Instant;

/**
 * Starts the run of one schedule fire. The scheduler facade implements it with its planner
 * ({@link PlanningFirer}); tests count calls. A {@link io.verdict.scheduler.errors.PlannerLockHeldException} is
 * retried on the next tick; any other exception is recorded as a {@code failed} decision.
 */
@FunctionalInterface
public interface ScheduleFirer {
    PlannedRun fire(Schedule schedule, Instant fireTime);
}
