package io.verdict.scheduler.runs;

import io.verdict.scheduler.errors.IllegalTransitionException;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Segment lifecycle: queued → leased → running → completed; running → queued (retry scheduled), → dead
 * (attempts exhausted), → cancelled (run cancelled). A leased or running segment whose lease expires goes
 * back to queued and is reclaimed by another worker.
 */
public enum SegmentState {
    QUEUED, LEASED, RUNNING, COMPLETED, FAILED, DEAD, CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == DEAD || this == CANCELLED;
    }

    public Set<SegmentState> next() {
        return switch (this) {
            case QUEUED -> EnumSet.of(LEASED, CANCELLED);
            case LEASED -> EnumSet.of(RUNNING, QUEUED, CANCELLED);
            case RUNNING -> EnumSet.of(COMPLETED, FAILED, QUEUED, DEAD, CANCELLED);
            case FAILED -> EnumSet.of(QUEUED, DEAD, CANCELLED);
            // An operator may retry one dead segment by hand (runs.retry.enabled); it starts again from queued.
            case DEAD -> EnumSet.of(QUEUED);
            case COMPLETED, CANCELLED -> EnumSet.noneOf(SegmentState.class);
        };
    }

    public boolean canMoveTo(SegmentState target) {
        return next().contains(target);
    }

    public SegmentState moveTo(SegmentState target) {
        if (!canMoveTo(target)) throw new IllegalTransitionException("segment", this, target);
        return target;
    }

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static SegmentState fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
