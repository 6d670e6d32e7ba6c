package io.verdict.scheduler.execution;

import java.time.Duration;

/**
 * Pace towards a scanner that answered 429/503: each "unavailable" doubles the pause before the next call (up
 * to {@code max}), each success halves it. Shared by the workers of one process, so they slow down together.
 */
public final class Backpressure {
    private final long minMillis;
    private final long maxMillis;
    private long pauseMillis;

    public Backpressure(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
    }

    public synchronized void onUnavailable() {
        pauseMillis = pauseMillis == 0 ? minMillis : Math.min(maxMillis, pauseMillis * 2);
    }

    public synchronized void onSuccess() {
        pauseMillis = pauseMillis <= minMillis ? 0 : pauseMillis / 2;
    }

    public synchronized Duration pause() {
        return Duration.ofMillis(pauseMillis);
    }
}
