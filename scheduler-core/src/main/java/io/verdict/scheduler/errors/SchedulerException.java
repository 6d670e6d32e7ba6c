package io.verdict.scheduler.errors;

/** Base of every domain failure; always carries a stable {@link ErrorCode}. */
public class SchedulerException extends RuntimeException {
    private final ErrorCode code;

    public SchedulerException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public SchedulerException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
