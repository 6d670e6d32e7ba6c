package io.verdict.scheduler.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed segments are retried: attempt n waits {@code base × 2^(n-1)} capped at {@code cap}, plus a
 * jitter of up to {@code jitterRatio} of that delay, at least {@code cooldown}; after {@code maxAttempts}
 * attempts the segment is dead.
 */
public record RetryPolicy(Duration base, Duration cap, double jitterRatio, int maxAttempts, Duration cooldown) {
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(Duration.ofSeconds(2), Duration.ofMinutes(5), 0.2, 5, Duration.ofSeconds(1));

    public RetryPolicy {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(cooldown, "cooldown");
        if (base.isNegative() || cap.compareTo(base) < 0) throw new IllegalArgumentException("need 0 <= base <= cap");
        if (jitterRatio < 0 || jitterRatio > 1) throw new IllegalArgumentException("jitterRatio must be in [0,1]");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
}
