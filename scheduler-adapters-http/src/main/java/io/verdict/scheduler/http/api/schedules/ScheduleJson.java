package io.verdict.scheduler.http.api.schedules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.verdict.scheduler.http.views.SelectorJson;
import io.verdict.scheduler.schedules.Schedule;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Schedules on the wire (SPEC §3 field names). */
public final class ScheduleJson {
    private ScheduleJson() {}

    public record OnlyIfJson(Integer lastReportOlderThanDays, String policyRevision) {}

    public record NotifyJson(Boolean onNewFindings, String minSeverity, Boolean includeKev) {}

    public record LimitsJson(Integer maxJobs, Double ratePerSecond, Integer parallelism, Integer burst) {}

    /** {@code gap}: skip | shift (missing local times); {@code overlap}: once | twice (repeated ones). */
    public record DstPolicyJson(String gap, String overlap) {}

    /**
     * Create (POST) and partial update (PATCH) body. On PATCH, absent fields keep their value and an optional
     * {@code version} makes the update conditional (409 when the schedule changed meanwhile).
     */
    public record ScheduleBody(String name, Boolean enabled, String cronExpression, String timezone, String mode,
                               SelectorJson selection, OnlyIfJson onlyIf,
                               @JsonProperty("notify") NotifyJson notifications, LimitsJson limits,
                               DstPolicyJson dstPolicy, Long version) {}

    public record ScheduleView(String id, String tenantId, String name, boolean enabled, String cronExpression,
                               String timezone, String mode, SelectorJson selection, OnlyIfJson onlyIf,
                               @JsonProperty("notify") NotifyJson notifications, LimitsJson limits,
                               DstPolicyJson dstPolicy, Instant createdAt, String createdBy, Instant updatedAt,
                               String updatedBy, Instant deletedAt, String deletedBy, long version) {
        public static ScheduleView of(Schedule s) {
            Schedule.Limits l = s.limits();
            return new ScheduleView(s.id(), s.tenantId(), s.name(), s.enabled(), s.cronExpression(), s.timezone(),
                    s.mode().wire(), s.selection() == null ? null : SelectorJson.of(s.selection()),
                    new OnlyIfJson(s.onlyIf().lastReportOlderThanDays(), s.onlyIf().policyRevision()),
                    new NotifyJson(s.notifications().onNewFindings(), s.notifications().minSeverity(),
                            s.notifications().includeKev()),
                    new LimitsJson(l.maxJobs(), l.ratePerSecond(), l.parallelism(), l.burst()),
                    new DstPolicyJson(s.dstPolicy().gap().name().toLowerCase(Locale.ROOT),
                            s.dstPolicy().overlap().name().toLowerCase(Locale.ROOT)),
                    s.createdAt(), s.createdBy(), s.updatedAt(), s.updatedBy(), s.deletedAt(), s.deletedBy(),
                    s.version());
        }
    }

    public record ScheduleList(List<ScheduleView> items) {}

    /** Pause/resume answer: the schedule and, when enabled, its earliest next run. */
    public record StateChange(ScheduleView schedule, Instant earliestNextRun) {}

    public record FireTime(Instant at, String local) {}

    /** One tick decision: why a fire time fired, was skipped (paused, overlap, onlyIf), missed or failed. */
    public record Decision(Instant fireTime, String outcome, String reason, String runId, String detail,
                           Instant decidedAt, String decidedBy) {
        public static Decision of(io.verdict.scheduler.schedules.TickDecision d) {
            return new Decision(d.fireTime(), d.outcome().wire(), d.reason(), d.runId(), d.detail(), d.decidedAt(),
                    d.decidedBy());
        }
    }

    public record Decisions(String scheduleId, List<Decision> items) {}

    /** @param from the instant the fire times follow (the request's {@code from}, or now) */
    public record NextRuns(String scheduleId, String cronExpression, String timezone, boolean enabled, Instant from,
                           List<FireTime> nextRuns) {}
}
