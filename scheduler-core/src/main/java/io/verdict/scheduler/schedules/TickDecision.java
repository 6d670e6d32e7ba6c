package io.verdict.scheduler.schedules;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * What the scheduler decided for one fire time of one schedule: the per-schedule history an operator reads to
 * answer "why didn't my schedule fire?". At most one decision exists per (tenant, schedule, fire time).
 *
 * @param reason    for {@code skipped}: {@value #PAUSED}, {@value #OVERLAP}, {@value #ONLY_IF} or
 *                  {@value #DST_POLICY}; for {@code missed}:
 *                  {@value #CATCH_UP_LIMIT}; for {@code failed}: the error code (e.g. {@code ERR_RUN_009}); else null
 * @param runId     the planned run, for {@code fired}
 * @param detail    a sentence for people (which run overlapped, what failed, how many fire times were folded)
 * @param decidedAt the tick (or resume) instant at which the decision was taken; later than {@code fireTime} by the
 *                  tick lag, or by the outage for a catch-up fire
 * @param decidedBy the instance (or actor, for {@code paused}) that decided
 */
public record TickDecision(
        String tenantId,
        String scheduleId,
        Instant fireTime,
        Outcome outcome,
        String reason,
        String runId,
        String detail,
        Instant decidedAt,
        String decidedBy) {

    public static final String PAUSED = "paused";
    public static final String OVERLAP = "overlap";
    public static final String ONLY_IF = "onlyIf";
    public static final String CATCH_UP_LIMIT = "catchUpLimit";
    /** The schedule's {@code dstPolicy} left the fire out (a skipped gap, or the second pass of a repeated hour). */
    public static final String DST_POLICY = "dstPolicy";

    public enum Outcome {
        /** Claimed by an instance that is planning the run right now (or crashed while doing so). */
        FIRING,
        FIRED,
        SKIPPED,
        MISSED,
        FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Outcome fromWire(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public TickDecision {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(scheduleId, "scheduleId");
        Objects.requireNonNull(fireTime, "fireTime");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(decidedAt, "decidedAt");
    }

    static TickDecision firing(Schedule s, Instant fireTime, Instant at, String by) {
        return new TickDecision(s.tenantId(), s.id(), fireTime, Outcome.FIRING, null, null,
                "planning the run", at, by);
    }

    static TickDecision skipped(Schedule s, Instant fireTime, String reason, String detail, Instant at, String by) {
        return new TickDecision(s.tenantId(), s.id(), fireTime, Outcome.SKIPPED, reason, null, detail, at, by);
    }

    static TickDecision missed(Schedule s, Instant fireTime, String detail, Instant at, String by) {
        return new TickDecision(s.tenantId(), s.id(), fireTime, Outcome.MISSED, CATCH_UP_LIMIT, null, detail, at, by);
    }

    TickDecision fired(String runId, String detail) {
        return new TickDecision(tenantId, scheduleId, fireTime, Outcome.FIRED, null, runId, detail, decidedAt, decidedBy);
    }

    TickDecision failed(String code, String detail) {
        return new TickDecision(tenantId, scheduleId, fireTime, Outcome.FAILED, code, null, detail, decidedAt, decidedBy);
    }
}
