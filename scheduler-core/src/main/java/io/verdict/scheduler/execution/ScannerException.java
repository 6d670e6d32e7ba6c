package io.verdict.scheduler.execution;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.SchedulerException;

/** Scanner failures, by what the worker must do about them. */
public abstract sealed class ScannerException extends SchedulerException
        permits ScannerException.Unavailable, ScannerException.Rejected, ScannerException.Timeout {

    protected ScannerException(ErrorCode code, String message) {
        super(code, message);
    }

    /** HTTP 429/503 or connection refused: slow down and try again (backpressure), not a failure yet. */
    public static final class Unavailable extends ScannerException {
        public Unavailable(String message) { super(ErrorCode.ERR_RUN_003, message); }
    }

    /** The scanner refused the request (4xx): retrying the same request will not help. */
    public static final class Rejected extends ScannerException {
        public Rejected(String message) { super(ErrorCode.ERR_RUN_004, message); }
    }

    /** No answer in time. */
    public static final class Timeout extends ScannerException {
        public Timeout(String message) { super(ErrorCode.ERR_RUN_005, message); }
    }
}
