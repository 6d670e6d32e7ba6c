package io.verdict.scheduler.runs;

import java.util.Collection;

/**
 * Derives a run's stats from its segments. The read model ({@code RunProgressStore}) keeps the same sums
 * incrementally — each segment transition adds {@code contribution(to) - contribution(from)} — so both give the
 * same numbers; this one is the reference (evidence bundles, rebuilding drifted counters).
 */
public final class RunProgress {
    private RunProgress() {}

    public static RunStats stats(Run run, Collection<Segment> segments) {
        SegmentOutcome sum = SegmentOutcome.NONE;
        int queued = 0, cancelled = 0;
        for (Segment s : segments) {
            // Only a terminal segment's outcome counts: a dead segment retried by hand is pending again, not failed.
            if (s.state().isTerminal()) sum = sum.plus(s.outcome());
            if (!s.state().isTerminal()) queued += s.size();
            if (s.state() == SegmentState.CANCELLED) cancelled += cancelledTargets(s);
        }
        return new RunStats(run.candidates(), run.deduped(), queued, sum.completed(), sum.failed(), cancelled,
                sum.deltas(), sum.severity());
    }

    /** Targets of a cancelled segment that were never evaluated. */
    public static int cancelledTargets(Segment s) {
        return s.state() == SegmentState.CANCELLED ? Math.max(0, s.size() - s.outcome().processed()) : 0;
    }
}
