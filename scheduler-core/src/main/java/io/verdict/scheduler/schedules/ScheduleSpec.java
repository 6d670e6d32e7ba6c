package io.verdict.scheduler.schedules;

import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;

/**
 * The fields of a schedule a user writes (create, or full replacement on update). Ids, tenant, audit stamps and
 * version are the service's. For a PATCH, start from {@link #of(Schedule)} and replace the fields the patch names.
 */
public record ScheduleSpec(
        String name,
        boolean enabled,
        String cronExpression,
        String timezone,
        Mode mode,
        Selector selection,
        Schedule.OnlyIf onlyIf,
        Schedule.NotifyPolicy notifications,
        Schedule.Limits limits,
        Schedule.DstPolicy dstPolicy) {

    /** The user-written fields of a stored schedule. */
    public static ScheduleSpec of(Schedule s) {
        return new ScheduleSpec(s.name(), s.enabled(), s.cronExpression(), s.timezone(), s.mode(), s.selection(),
                s.onlyIf(), s.notifications(), s.limits(), s.dstPolicy());
    }

    /** An enabled analysis-only schedule over every image of the tenant, default notify/limits/DST policy. */
    public static ScheduleSpec simple(String name, String cronExpression, String timezone) {
        return new ScheduleSpec(name, true, cronExpression, timezone, Mode.ANALYSIS_ONLY, null, null, null, null, null);
    }

    public ScheduleSpec withEnabled(boolean on) {
        return new ScheduleSpec(name, on, cronExpression, timezone, mode, selection, onlyIf, notifications, limits,
                dstPolicy);
    }

    public ScheduleSpec withTiming(String cron, String zone, Schedule.DstPolicy dst) {
        return new ScheduleSpec(name, enabled, cron, zone, mode, selection, onlyIf, notifications, limits, dst);
    }

    public ScheduleSpec withSelection(Selector s) {
        return new ScheduleSpec(name, enabled, cronExpression, timezone, mode, s, onlyIf, notifications, limits,
                dstPolicy);
    }

    public ScheduleSpec withName(String n) {
        return new ScheduleSpec(n, enabled, cronExpression, timezone, mode, selection, onlyIf, notifications, limits,
                dstPolicy);
    }

    public ScheduleSpec withLimits(Schedule.Limits l) {
        return new ScheduleSpec(name, enabled, cronExpression, timezone, mode, selection, onlyIf, notifications, l,
                dstPolicy);
    }
}
