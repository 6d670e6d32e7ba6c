package io.verdict.scheduler.app.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that reads "anchor + time elapsed since anchoring" on the monotonic timer. The demo anchors it at a
 * fixed instant right before planning, so run IDs (second resolution) are identical across invocations with
 * the same seed while leases and retry windows still see real time pass.
 */
public final class AnchoredClock extends Clock {
    private volatile Instant anchor;
    private volatile long anchorNanos;

    public AnchoredClock(Instant anchor) {
        anchor(anchor);
    }

    public void anchor(Instant at) {
        this.anchorNanos = System.nanoTime();
        this.anchor = at;
    }

    @Override
    public Instant instant() {
        return anchor.plusNanos(System.nanoTime() - anchorNanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
