package io.verdict.scheduler.execution;

import java.util.Optional;

/**
 * The execution limits of one run (from its schedule's {@code limits}).
 *
 * @param rateLimiter  the schedule's shared token bucket, when {@code ratePerSecond} is set
 * @param parallelism  at most this many segments of the run in workers' hands at once; null = unbounded
 */
public record RunLimits(Optional<RateLimiter> rateLimiter, Integer parallelism) {
    public static final RunLimits NONE = new RunLimits(Optional.empty(), null);

    public RunLimits {
        rateLimiter = rateLimiter == null ? Optional.empty() : rateLimiter;
        if (parallelism != null && parallelism < 1) throw new IllegalArgumentException("parallelism must be >= 1");
    }

    /**
     * Segments of the run allowed in flight. A rate-limited run without an explicit parallelism gets one: more
     * holders would only wait on the same token bucket while other tenants' runs wait for a worker.
     */
    public Integer effectiveParallelism() {
        if (parallelism != null) return parallelism;
        return rateLimiter.isPresent() ? 1 : null;
    }
}
