package io.verdict.scheduler.errors;

/** Another planner holds the tenant's planner lock (ERR_RUN_001); try again shortly. */
public final class PlannerLockHeldException extends SchedulerException {
    public PlannerLockHeldException(String tenantId) {
        super(ErrorCode.ERR_RUN_001, "planner lock for tenant " + tenantId + " is held by another planner");
    }
}
