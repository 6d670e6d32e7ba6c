package io.verdict.scheduler.runs;

import io.verdict.scheduler.errors.IllegalTransitionException;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Run lifecycle: planning → queued → running → completed | cancelled | error; planning → completed when there
 * is nothing to do; queued → cancelled. Terminal states never change.
 */
public enum RunState {
    PLANNING, QUEUED, RUNNING, COMPLETED, CANCELLED, ERROR;

    public boolean isTerminal() {
        return this == COMPLETED || this == CANCELLED || this == ERROR;
    }

    public Set<RunState> next() {
        return switch (this) {
            case PLANNING -> EnumSet.of(QUEUED, COMPLETED, ERROR, CANCELLED);
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, COMPLETED, ERROR);
            case RUNNING -> EnumSet.of(COMPLETED, CANCELLED, ERROR);
            case COMPLETED, CANCELLED, ERROR -> EnumSet.noneOf(RunState.class);
        };
    }

    public boolean canMoveTo(RunState target) {
        return next().contains(target);
    }

    /** Returns {@code target} or throws {@link IllegalTransitionException}. */
    public RunState moveTo(RunState target) {
        if (!canMoveTo(target)) throw new IllegalTransitionException("run", this, target);
        return target;
    }

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static RunState fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
