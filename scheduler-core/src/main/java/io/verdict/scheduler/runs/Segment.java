package io.verdict.scheduler.runs;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A slice of a run's targets: the unit of queueing, leasing and retry. {@code fencingToken} only grows; a
 * result written with an older token is refused, so a worker that lost its lease cannot overwrite the work of
 * the one that reclaimed it.
 */
public record Segment(
        String runId,
        int index,
        String tenantId,
        String scheduleId,
        List<String> digests,
        SegmentState state,
        int attempt,
        Instant nextAttemptAt,
        String leaseOwner,
        Instant leaseExpiresAt,
        long fencingToken,
        SegmentOutcome outcome,
        RunError error,
        Instant updatedAt,
        long version) {

    public Segment {
        Objects.requireNonNull(runId, "runId");
        digests = List.copyOf(digests);
        Objects.requireNonNull(state, "state");
        outcome = outcome == null ? SegmentOutcome.NONE : outcome;
    }

    public String key() {
        return runId + "#" + index;
    }

    public int size() {
        return digests.size();
    }

    /** Targets this segment has recorded as done (its outcome; the read model also sees in-flight progress). */
    public int processed() {
        return outcome.processed();
    }

    public Segment with(SegmentState target, Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(target), attempt, nextAttemptAt,
                leaseOwner, leaseExpiresAt, fencingToken, outcome, error, at, version + 1);
    }

    public Segment leasedBy(String owner, long token, Instant expiresAt, Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(SegmentState.LEASED), attempt,
                nextAttemptAt, owner, expiresAt, token, outcome, error, at, version + 1);
    }

    public Segment running(Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(SegmentState.RUNNING),
                attempt + 1, null, leaseOwner, leaseExpiresAt, fencingToken, outcome, error, at, version + 1);
    }

    public Segment completed(SegmentOutcome result, Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(SegmentState.COMPLETED), attempt,
                null, null, null, fencingToken, result, null, at, version + 1);
    }

    public Segment retryAt(Instant when, RunError why, Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(SegmentState.QUEUED), attempt,
                when, null, null, fencingToken, outcome, why, at, version + 1);
    }

    /** Attempts exhausted: every target of the segment counts as failed. */
    public Segment dead(RunError why, Instant at) {
        SegmentOutcome failedAll = SegmentOutcome.allFailed(digests.size());
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(SegmentState.DEAD), attempt,
                null, null, null, fencingToken, failedAll, why, at, version + 1);
    }

    /** Cancelled while running: {@code partial} is what was evaluated before the worker saw the cancellation. */
    public Segment cancelled(SegmentOutcome partial, Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(SegmentState.CANCELLED), attempt,
                null, null, null, fencingToken, partial, error, at, version + 1);
    }

    public Segment cancelled(Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(SegmentState.CANCELLED), attempt,
                null, null, null, fencingToken, outcome, error, at, version + 1);
    }

    /** The holder extended its lease (heartbeat), visible to operators as the new expiry. */
    public Segment renewed(Instant expiresAt, Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state, attempt, nextAttemptAt, leaseOwner,
                expiresAt, fencingToken, outcome, error, at, version + 1);
    }

    /** Lease expired: back to queued, keeping the fencing token so the next lease gets a higher one. */
    public Segment released(Instant at) {
        return new Segment(runId, index, tenantId, scheduleId, digests, state.moveTo(SegmentState.QUEUED), attempt,
                null, null, null, fencingToken, outcome, error, at, version + 1);
    }
}
