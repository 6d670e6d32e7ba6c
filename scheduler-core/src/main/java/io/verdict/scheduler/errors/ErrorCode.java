package io.verdict.scheduler.errors;

/**
 * Stable error codes from the product specification. They appear on runs ({@code error.code}) and in
 * problem+json bodies; each has a runbook entry under {@code docs/operations/}.
 */
public enum ErrorCode {
    ERR_RUN_001("planner lock held"),
    ERR_RUN_002("selector resolves to nothing allowed"),
    ERR_RUN_003("scanner unavailable"),
    ERR_RUN_004("scanner rejected the request"),
    ERR_RUN_005("scanner timeout"),
    ERR_RUN_006("segment attempts exhausted"),
    ERR_RUN_007("run cancelled while running"),
    ERR_RUN_008("persistence conflict lost"),
    ERR_RUN_009("impact index stale"),
    ERR_API_400("validation failed"),
    ERR_API_401("unauthenticated"),
    ERR_API_403("forbidden"),
    ERR_API_404("not found"),
    ERR_API_409("conflict"),
    ERR_API_413("payload too large"),
    ERR_API_429("too many requests"),
    ERR_API_503("dependency unavailable");

    private final String title;

    ErrorCode(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
