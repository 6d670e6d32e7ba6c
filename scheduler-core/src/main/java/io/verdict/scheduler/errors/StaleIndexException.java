package io.verdict.scheduler.errors;

import java.time.Duration;
import java.time.Instant;

/** The impact index is older than the configured bound (ERR_RUN_009): planning on it would miss images. */
public final class StaleIndexException extends SchedulerException {
    public StaleIndexException(Instant builtAt, Duration maxAge) {
        super(ErrorCode.ERR_RUN_009, "impact index built at " + builtAt + " is older than " + maxAge);
    }
}
