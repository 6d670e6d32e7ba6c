package io.verdict.scheduler.planning;

import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.Segment;

import java.util.List;

/** The result of planning: the persisted run, its segments and the impact set it came from. */
public record PlannedRun(Run run, List<Segment> segments, ImpactSet impact) {
    public PlannedRun {
        segments = List.copyOf(segments);
    }
}
