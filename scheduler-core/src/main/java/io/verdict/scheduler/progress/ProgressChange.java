package io.verdict.scheduler.progress;

import io.verdict.scheduler.runs.RunProgress;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SegmentState;

import java.util.Objects;

/**
 * What one segment transition changes in its run's counters: {@code contribution(to) - contribution(from)},
 * where a segment contributes one to its state's bucket, its targets to {@code pending} while not terminal, its
 * outcome to {@code done} once terminal, and its never-evaluated targets to {@code cancelled} when cancelled.
 * Computed here, once, so every adapter applies the same rule ({@link RunProgress} sums the same contributions).
 *
 * @param add         outcome to add to the run's done counters
 * @param remove      outcome to subtract (a dead segment retried by hand leaves {@code done})
 * @param attemptToken the segment's in-flight progress is cleared; in-flight writes with a lower token are refused
 */
public record ProgressChange(String runId, int index, SegmentState from, SegmentState to, int pendingSegments,
                             int pendingTargets, int cancelledTargets, SegmentOutcome add, SegmentOutcome remove,
                             long attemptToken) {
    public ProgressChange {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        add = add == null ? SegmentOutcome.NONE : add;
        remove = remove == null ? SegmentOutcome.NONE : remove;
    }

    public static ProgressChange between(Segment from, Segment to) {
        if (!from.key().equals(to.key())) throw new IllegalArgumentException("not the same segment");
        boolean wasPending = !from.state().isTerminal();
        boolean isPending = !to.state().isTerminal();
        int pendingSegments = (isPending ? 1 : 0) - (wasPending ? 1 : 0);
        int pendingTargets = (isPending ? to.size() : 0) - (wasPending ? from.size() : 0);
        int cancelled = RunProgress.cancelledTargets(to) - RunProgress.cancelledTargets(from);
        SegmentOutcome add = to.state().isTerminal() ? to.outcome() : SegmentOutcome.NONE;
        SegmentOutcome remove = from.state().isTerminal() ? from.outcome() : SegmentOutcome.NONE;
        // While leased or running the holder's token may report progress; any other state closes the attempt.
        boolean holding = to.state() == SegmentState.LEASED || to.state() == SegmentState.RUNNING;
        long token = holding ? to.fencingToken() : to.fencingToken() + 1;
        return new ProgressChange(to.runId(), to.index(), from.state(), to.state(), pendingSegments, pendingTargets,
                cancelled, add, remove, token);
    }

    /** True when nothing but the attempt token changes (e.g. a lease renewal). */
    public boolean countsUnchanged() {
        return from == to && pendingSegments == 0 && pendingTargets == 0 && cancelledTargets == 0
                && add.equals(SegmentOutcome.NONE) && remove.equals(SegmentOutcome.NONE);
    }
}
