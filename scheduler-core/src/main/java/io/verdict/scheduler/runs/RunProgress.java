package io.verdict.scheduler.runs;

import java.util.Collection;

/** Derives a run's stats from its segments, so counters are computed in one place and never duplicated. */
public final class RunProgress {
    private RunProgress() {}

    public static RunStats stats(Run run, Collection<Segment> segments) {
        SegmentOutcome sum = SegmentOutcome.NONE;
        int queued = 0;
        for (Segment s : segments) {
            sum = sum.plus(s.outcome());
            if (!s.state().isTerminal()) queued += s.size();
        }
        return new RunStats(run.candidates(), run.deduped(), queued, sum.completed(), sum.failed(), sum.deltas(),
                sum.newCriticals(), sum.newHigh(), sum.newMedium(), sum.newLow(), sum.resolved(), sum.quieted(),
                sum.kevHits());
    }
}
