package io.verdict.scheduler.progress;

import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SegmentState;

import java.util.EnumMap;
import java.util.Map;

/**
 * The counters of one run as the read model holds them.
 *
 * @param state            the run's state as last recorded (the worker sees a cancellation through it)
 * @param segments         segments per state
 * @param pendingSegments  segments not terminal
 * @param pendingTargets   targets of segments not terminal
 * @param cancelledTargets targets of cancelled segments never evaluated
 * @param done             outcomes of terminal segments
 * @param inFlight         progress reported so far by the holders of running segments
 */
public record RunCounters(String runId, String tenantId, String scheduleId, Mode mode, RunState state,
                          Map<SegmentState, Integer> segments, int pendingSegments, int pendingTargets,
                          int cancelledTargets, SegmentOutcome done, SegmentOutcome inFlight) {
    public RunCounters {
        EnumMap<SegmentState, Integer> copy = new EnumMap<>(SegmentState.class);
        for (SegmentState s : SegmentState.values()) copy.put(s, Math.max(0, segments.getOrDefault(s, 0)));
        segments = java.util.Collections.unmodifiableMap(copy);
        done = done == null ? SegmentOutcome.NONE : done;
        inFlight = inFlight == null ? SegmentOutcome.NONE : inFlight;
    }

    /** The counters a run's segments imply (no segment in flight counts progress beyond its outcome). */
    public static RunCounters derive(Run run, java.util.List<io.verdict.scheduler.runs.Segment> segs) {
        Map<SegmentState, Integer> by = new EnumMap<>(SegmentState.class);
        int pendingSegments = 0, pendingTargets = 0, cancelled = 0;
        SegmentOutcome done = SegmentOutcome.NONE;
        for (var s : segs) {
            by.merge(s.state(), 1, Integer::sum);
            if (s.state().isTerminal()) {
                done = done.plus(s.outcome());
            } else {
                pendingSegments++;
                pendingTargets += s.size();
            }
            cancelled += io.verdict.scheduler.runs.RunProgress.cancelledTargets(s);
        }
        return new RunCounters(run.id(), run.tenantId(), run.scheduleId(), run.mode(), run.state(), by,
                pendingSegments, pendingTargets, cancelled, done, SegmentOutcome.NONE);
    }

    public int segments(SegmentState s) {
        return segments.get(s);
    }

    /** Segments of the run held by workers right now (for {@code limits.parallelism}). */
    public int inFlightSegments() {
        return segments(SegmentState.LEASED) + segments(SegmentState.RUNNING);
    }

    /** The run's stats: outcomes of finished segments plus what running segments reported so far. */
    public RunStats stats(Run run) {
        SegmentOutcome all = done.plus(inFlight);
        return new RunStats(run.candidates(), run.deduped(), Math.max(0, pendingTargets), all.completed(),
                all.failed(), Math.max(0, cancelledTargets), all.deltas(), all.severity());
    }
}
