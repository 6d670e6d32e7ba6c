package io.verdict.scheduler.progress;

import io.verdict.scheduler.runs.Mode;

/**
 * Unfinished work of one tenant, schedule (null for runs without one) and mode: runs not terminal by state,
 * and their segments and targets not yet terminal.
 */
public record Backlog(String tenantId, String scheduleId, Mode mode, int planningRuns, int queuedRuns,
                      int runningRuns, long pendingSegments, long pendingTargets) {
    public int activeRuns() {
        return planningRuns + queuedRuns + runningRuns;
    }
}
