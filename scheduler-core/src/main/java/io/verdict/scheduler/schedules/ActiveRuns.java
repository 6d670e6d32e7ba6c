package io.verdict.scheduler.schedules;

import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunStore;

import java.util.Optional;

/**
 * Whether a schedule still has a run in flight. A fire while the previous run of the same schedule is not terminal
 * is skipped (reason {@code overlap}) instead of piling a second sweep onto the scanner.
 */
@FunctionalInterface
public interface ActiveRuns {
    /** The id of a non-terminal run of the schedule, if any. */
    Optional<String> activeRunOf(String tenantId, String scheduleId);

    /** Never reports an overlap. */
    ActiveRuns NONE = (tenantId, scheduleId) -> Optional.empty();

    /** Looks at the run store's non-terminal runs. */
    static ActiveRuns of(RunStore runs) {
        return (tenantId, scheduleId) -> runs.active().stream()
                .filter(r -> tenantId.equals(r.tenantId()) && scheduleId.equals(r.scheduleId()))
                .map(Run::id)
                .findFirst();
    }
}
