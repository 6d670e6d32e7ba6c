package io.verdict.scheduler.schedules;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The part of a schedule's {@code onlyIf} decided once per fire (skip reason {@code onlyIf}). The per-image part,
 * {@code lastReportOlderThanDays}, is not decided here: the planner filters images with it.
 */
@FunctionalInterface
public interface OnlyIfCondition {
    /** Empty to fire; otherwise why the schedule's condition does not hold at this fire time. */
    Optional<String> unmet(Schedule schedule, Instant fireTime);

    OnlyIfCondition ALWAYS = (schedule, fireTime) -> Optional.empty();

    /**
     * {@code onlyIf.policyRevision}: fire only while the tenant's current policy revision is the one the schedule
     * names. {@code currentRevision} maps a tenant to its current revision (empty when unknown: then it does not fire).
     */
    static OnlyIfCondition policyRevision(Function<String, Optional<String>> currentRevision) {
        return (schedule, fireTime) -> {
            String wanted = schedule.onlyIf().policyRevision();
            if (wanted == null) return Optional.empty();
            Optional<String> current = currentRevision.apply(schedule.tenantId());
            if (current.isPresent() && current.get().equals(wanted)) return Optional.empty();
            return Optional.of("onlyIf.policyRevision is " + wanted + " but the current policy revision is "
                    + current.orElse("unknown"));
        };
    }
}
