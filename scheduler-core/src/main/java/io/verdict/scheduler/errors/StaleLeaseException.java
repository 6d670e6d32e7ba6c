package io.verdict.scheduler.errors;

/** A worker wrote with a fencing token older than the segment's current one: its lease was taken over. */
public final class StaleLeaseException extends SchedulerException {
    public StaleLeaseException(String segment, long presented, long current) {
        super(ErrorCode.ERR_RUN_008, "stale lease on " + segment + ": fencing token " + presented + " < " + current);
    }
}
