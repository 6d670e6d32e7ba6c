package io.verdict.scheduler.schedules;

import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Trigger;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

    /**
     * {@link #policyRevision} with the tenant's current revision taken from its newest {@code policy}-triggered run
     * that names one (a policy intake event or policy run request carries it). No such run: the revision is unknown
     * and a schedule with {@code onlyIf.policyRevision} does not fire. One short indexed listing per fire, and only
     * for schedules that set the condition.
     */
    static OnlyIfCondition latestPolicyRevision(RunStore runs) {
        return policyRevision(tenant -> runs.list(new RunFilter(Set.of(tenant), Set.of(Trigger.POLICY), null, null,
                        null, null, null, null), null, 20).items().stream()
                .map(Run::reason).filter(Objects::nonNull).map(r -> r.policyRevision()).filter(Objects::nonNull)
                .findFirst());
    }
}
