package io.verdict.scheduler.errors;

/** Unknown id, or an id of another tenant (which must not be revealed). */
public final class NotFoundException extends SchedulerException {
    public NotFoundException(String what) {
        super(ErrorCode.ERR_API_404, what + " not found");
    }
}
