package io.verdict.scheduler.errors;

/**
 * A dependency the request needs (queue, locks, store) cannot be reached right now. Nothing was written; the same
 * request succeeds once it is back, so clients should retry after a short pause (HTTP 503 with Retry-After).
 */
public final class DependencyUnavailableException extends SchedulerException {
    private final String dependency;

    public DependencyUnavailableException(String dependency, String detail, Throwable cause) {
        super(ErrorCode.ERR_API_503, dependency + " unavailable: " + detail, cause);
        this.dependency = dependency;
    }

    public String dependency() {
        return dependency;
    }
}
