package io.verdict.scheduler.runs;

import java.time.Instant;
import java.util.Objects;

/**
 * One re-evaluation job over a resolved set of images. Immutable; every change produces a copy with
 * {@code version + 1}, which stores accept only if the stored version is still {@code version}.
 *
 * @param candidates images the impact index resolved
 * @param deduped    images left after selector, onlyIf and in-flight dedup: the run's targets
 * @param planInputs what the run was planned from (evidence, replay); null for runs planned before it was kept
 */
public record Run(
        String id,
        String tenantId,
        String scheduleId,
        Trigger trigger,
        Mode mode,
        RunState state,
        RunReason reason,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        RunError error,
        String retryOf,
        String planDigest,
        int shardCount,
        int candidates,
        int deduped,
        long version,
        PlanInputs planInputs) {

    /** A run without recorded plan inputs (tests, runs stored before they were kept). */
    public Run(String id, String tenantId, String scheduleId, Trigger trigger, Mode mode, RunState state,
               RunReason reason, Instant createdAt, Instant startedAt, Instant finishedAt, RunError error,
               String retryOf, String planDigest, int shardCount, int candidates, int deduped, long version) {
        this(id, tenantId, scheduleId, trigger, mode, state, reason, createdAt, startedAt, finishedAt, error, retryOf,
                planDigest, shardCount, candidates, deduped, version, null);
    }

    public Run {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A copy in {@code target} state; throws if the transition is illegal. Sets start/finish stamps. */
    public Run transition(RunState target, Instant at, RunError err) {
        RunState next = state.moveTo(target);
        Instant started = startedAt;
        if (started == null && (next == RunState.RUNNING || next.isTerminal())) started = at;
        Instant finished = next.isTerminal() ? at : finishedAt;
        return new Run(id, tenantId, scheduleId, trigger, mode, next, reason, createdAt, started, finished,
                err == null ? error : err, retryOf, planDigest, shardCount, candidates, deduped, version + 1, planInputs);
    }

    public Run transition(RunState target, Instant at) {
        return transition(target, at, null);
    }
}
