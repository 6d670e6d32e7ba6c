package io.verdict.scheduler.errors;

/** An optimistic (version-checked) update lost against a concurrent writer. */
public final class ConcurrentUpdateException extends SchedulerException {
    public ConcurrentUpdateException(String what) {
        super(ErrorCode.ERR_RUN_008, "concurrent update lost: " + what);
    }
}
