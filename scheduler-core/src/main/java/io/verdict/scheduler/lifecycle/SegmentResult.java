package io.verdict.scheduler.lifecycle;

import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.Segment;

import java.time.Instant;

/**
 * How one delivery of a segment ended, as the worker reports it. The worker writes the segment and settles the
 * queue message; {@code RunLifecycle.segmentEnded} turns the result into events, logs, metrics and, when it was
 * the last segment, the run's end. The worker itself emits nothing.
 */
public sealed interface SegmentResult {
    SegmentRef ref();

    /** Every target evaluated; the outcome is on the segment, its event went out with the completing write. */
    record Completed(Run run, Segment segment) implements SegmentResult {
        public SegmentRef ref() { return refOf(segment); }
    }

    /** The attempt failed and will be tried again at {@code at}. */
    record RetryScheduled(Run run, Segment segment, Instant at, RunError error) implements SegmentResult {
        public SegmentRef ref() { return refOf(segment); }
    }

    /** Attempts exhausted (or the message kept crashing its workers): dead-lettered. */
    record Dead(Run run, Segment segment, RunError error, int attempts) implements SegmentResult {
        public SegmentRef ref() { return refOf(segment); }
    }

    /** The run was cancelled; {@code segment} is the stored segment, cancelled now or earlier. */
    record Cancelled(Run run, Segment segment, boolean cancelledNow) implements SegmentResult {
        public SegmentRef ref() { return refOf(segment); }
    }

    /** Given back untouched (the run has {@code limits.parallelism} segments in flight); claimable again at {@code at}. */
    record Deferred(Run run, Segment segment, Instant at, String why) implements SegmentResult {
        public SegmentRef ref() { return refOf(segment); }
    }

    /** Another holder took the segment over (our lease expired); its result is that holder's to write. */
    record StaleLease(SegmentRef ref) implements SegmentResult {}

    /** The message pointed at an unknown or already finished segment (a duplicate delivery); acked. */
    record Duplicate(SegmentRef ref) implements SegmentResult {}

    private static SegmentRef refOf(Segment s) {
        return new SegmentRef(s.tenantId(), s.runId(), s.index(), s.scheduleId());
    }
}
