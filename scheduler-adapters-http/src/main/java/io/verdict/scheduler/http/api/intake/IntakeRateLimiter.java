package io.verdict.scheduler.http.api.intake;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.SchedulerException;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-tenant token bucket in front of the intake webhooks (SPEC §8: intake is rate-limited): a feed that floods
 * the scheduler gets 429 with Retry-After instead of planning thousands of runs. Process-local: with several API
 * instances behind a balancer the effective limit is per instance.
 */
public final class IntakeRateLimiter {
    private final double perNano;
    private final double burst;
    private final ConcurrentHashMap<String, double[]> buckets = new ConcurrentHashMap<>(); // {tokens, lastNanos}

    public IntakeRateLimiter(double perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
    }

    /** Takes one token of the tenant's bucket or throws ERR_API_429. */
    public void acquire(String tenant) {
        double[] b = buckets.computeIfAbsent(tenant, t -> new double[]{burst, System.nanoTime()});
        synchronized (b) {
            long now = System.nanoTime();
            b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * perNano);
            b[1] = now;
            if (b[0] < 1) {
                throw new SchedulerException(ErrorCode.ERR_API_429, "intake rate limit for tenant " + tenant
                        + " exceeded; retry shortly");
            }
            b[0] -= 1;
        }
    }
}
