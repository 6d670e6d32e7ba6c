package io.verdict.scheduler.usecases;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.errors.NotFoundException;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SegmentStore;
import io.verdict.scheduler.schedules.Caller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Retrying one failed or dead segment of a run still in progress, once the retry cooldown since the segment's
 * last change has passed. A run that ended never changes (use a full retry, {@link RetryRun}, instead).
 */
public final class RetrySegment {
    public record Command(Caller caller, String runId, int index) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(runId, "runId");
            if (index < 0) throw io.verdict.scheduler.errors.ValidationException.of("index", "must be >= 0");
        }
    }

    public sealed interface Result {
        record Requeued(Segment segment) implements Result {}

        /** Only failed or dead segments can be retried. */
        record NotRetryable(int index, SegmentState state) implements Result {}

        /** Retried or changed too recently; try again after {@code retryAfter} (at {@code until}). */
        record CoolingDown(int index, Instant until, Duration retryAfter) implements Result {}

        /** The run has ended and terminal states never change: retry the whole run instead. */
        record RunEnded(String runId, RunState state) implements Result {}
    }

    private final RunQueries queries;
    private final SegmentStore segments;
    private final SegmentQueue queue;
    private final RunLifecycle lifecycle;
    private final RetryPolicy policy;
    private final AuditTrail audit;
    private final Clock clock;

    RetrySegment(RunQueries queries, SegmentStore segments, SegmentQueue queue, RunLifecycle lifecycle,
                 RetryPolicy policy, AuditTrail audit, Clock clock) {
        this.queries = queries;
        this.segments = segments;
        this.queue = queue;
        this.lifecycle = lifecycle;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    public Result execute(Command c) {
        String tenant = c.caller().tenantId();
        Run run = queries.run(tenant, c.runId());
        if (run.state().isTerminal()) return new Result.RunEnded(run.id(), run.state());
        Segment seg = segments.find(run.id(), c.index()).orElseThrow(() -> new NotFoundException("segment " + c.index()));
        if (seg.state() != SegmentState.DEAD && seg.state() != SegmentState.FAILED) {
            return new Result.NotRetryable(seg.index(), seg.state());
        }
        Instant now = clock.instant();
        if (seg.updatedAt() != null) {
            Instant until = seg.updatedAt().plus(policy.cooldown());
            if (until.isAfter(now)) return new Result.CoolingDown(seg.index(), until, Duration.between(now, until));
        }
        // Through the lifecycle, so the read model's counters follow the segment's state.
        Segment queued = lifecycle.moveSegment(seg, seg.with(SegmentState.QUEUED, now));
        queue.enqueue(new SegmentRef(tenant, run.id(), seg.index(), seg.scheduleId()), now);
        audit.record(tenant, c.caller().actor(), "segment.retry", run.id() + "#" + seg.index(),
                run.reason().correlationId(), Map.of());
        lifecycle.segmentEvent(queued, run, null);
        return new Result.Requeued(queued);
    }
}
