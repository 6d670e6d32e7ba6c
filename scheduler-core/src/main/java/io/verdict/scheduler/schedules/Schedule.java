package io.verdict.scheduler.schedules;

import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;

import java.time.Instant;
import java.util.Objects;

/** A recurring run definition: cron expression in an IANA time zone over a selector. */
public record Schedule(
        String id,
        String tenantId,
        String name,
        boolean enabled,
        String cronExpression,
        String timezone,
        Mode mode,
        Selector selection,
        OnlyIf onlyIf,
        NotifyPolicy notifications,  // JSON field "notify" (a record cannot have a component named notify)
        Limits limits,
        DstPolicy dstPolicy,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy,
        Instant deletedAt,
        String deletedBy,
        long version) {

    public Schedule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(cronExpression, "cronExpression");
        Objects.requireNonNull(timezone, "timezone");
        mode = mode == null ? Mode.ANALYSIS_ONLY : mode;
        onlyIf = onlyIf == null ? OnlyIf.NONE : onlyIf;
        notifications = notifications == null ? NotifyPolicy.DEFAULT : notifications;
        limits = limits == null ? Limits.NONE : limits;
        dstPolicy = dstPolicy == null ? DstPolicy.DEFAULT : dstPolicy;
    }

    public boolean isDeleted() {
        return deletedAt != null;
    }

    /** Run only when the image's last report is older than N days and/or for a given policy revision. */
    public record OnlyIf(Integer lastReportOlderThanDays, String policyRevision) {
        public static final OnlyIf NONE = new OnlyIf(null, null);
    }

    public record NotifyPolicy(boolean onNewFindings, String minSeverity, boolean includeKev) {
        public static final NotifyPolicy DEFAULT = new NotifyPolicy(true, "high", true);
    }

    /** Pace limits a run of this schedule must respect towards the scanner. Null: unlimited/default. */
    public record Limits(Integer maxJobs, Double ratePerSecond, Integer parallelism, Integer burst) {
        public static final Limits NONE = new Limits(null, null, null, null);
    }

    /**
     * What to do with local times that do not exist (spring forward: {@code skip} or {@code shift} to the next
     * valid instant) and those that happen twice (fall back: fire {@code once} or {@code twice}).
     */
    public record DstPolicy(Gap gap, Overlap overlap) {
        public static final DstPolicy DEFAULT = new DstPolicy(Gap.SHIFT, Overlap.ONCE);

        public enum Gap { SKIP, SHIFT }

        public enum Overlap { ONCE, TWICE }
    }
}
