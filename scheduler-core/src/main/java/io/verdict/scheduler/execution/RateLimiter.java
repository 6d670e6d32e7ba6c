package io.verdict.scheduler.execution;

import java.time.Duration;
import java.util.Optional;

/**
 * Token bucket on {@link System#nanoTime()}: {@code ratePerSecond} calls per second with bursts of
 * {@code burst}. The one token bucket of the scheduler: per schedule so a nightly sweep cannot flood the scanner
 * (blocking {@link #acquire()}), per tenant in front of intake (non-blocking {@link #tryAcquire()}).
 */
public final class RateLimiter {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    public RateLimiter(double ratePerSecond, int burst) {
        if (ratePerSecond <= 0) throw new IllegalArgumentException("ratePerSecond must be > 0");
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.last = System.nanoTime();
    }

    /** Blocks until a call may be made. */
    public void acquire() throws InterruptedException {
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
            last = now;
            tokens -= 1;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / ratePerNano);
        }
        if (waitNanos > 0) Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
    }

    /** Takes a token if one is there; otherwise takes nothing and says how long until one will be. */
    public Optional<Duration> tryAcquire() {
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - tokens) / ratePerNano)));
        }
    }
}
