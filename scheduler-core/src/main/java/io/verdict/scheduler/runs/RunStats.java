package io.verdict.scheduler.runs;

/**
 * Counters shown for a run. Never stored on its own: {@link RunProgress} derives it from the plan facts
 * (candidates, deduped) and the segments' recorded outcomes, so it cannot drift from them.
 */
public record RunStats(
        int candidates,
        int deduped,
        int queued,
        int completed,
        int failed,
        int deltas,
        int newCriticals,
        int newHigh,
        int newMedium,
        int newLow,
        int resolved,
        int quieted,
        int kevHits) {

    public static RunStats empty(int candidates, int deduped) {
        return new RunStats(candidates, deduped, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Targets evaluated so far (completed + failed). */
    public int processed() {
        return completed + failed;
    }
}
