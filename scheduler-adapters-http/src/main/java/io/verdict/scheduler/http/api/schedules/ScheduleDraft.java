package io.verdict.scheduler.http.api.schedules;

import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleBody;
import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleSpec;
import io.verdict.scheduler.schedules.ScheduleValidator;

import java.util.Locale;

/**
 * Turns a schedule body (create, or PATCH over the stored schedule) into a {@link ScheduleSpec}: wire values
 * ({@code "analysis-only"}, {@code "skip"}, ...) become domain values, and the domain rules of
 * {@link ScheduleValidator} (cron, time zone, selector, limits) are applied in the same pass, so one 400 names
 * every bad field.
 */
public final class ScheduleDraft {
    private ScheduleDraft() {}

    public static ScheduleSpec forCreate(ScheduleBody b, String tenant) {
        FieldErrors errors = new FieldErrors();
        if (b.version() != null) errors.add("version", "not allowed when creating");
        ScheduleSpec base = new ScheduleSpec(null, true, null, "UTC", Mode.ANALYSIS_ONLY, Selector.allImages(tenant),
                Schedule.OnlyIf.NONE, Schedule.NotifyPolicy.DEFAULT, Schedule.Limits.NONE, Schedule.DstPolicy.DEFAULT);
        return checked(overlay(b, base, tenant, errors), tenant, errors);
    }

    public static ScheduleSpec forPatch(ScheduleBody b, Schedule current, String tenant) {
        FieldErrors errors = new FieldErrors();
        return checked(overlay(b, ScheduleSpec.of(current), tenant, errors), tenant, errors);
    }

    private static ScheduleSpec checked(ScheduleSpec spec, String tenant, FieldErrors errors) {
        // Fields already reported missing get placeholders so the domain rules can still check the rest.
        ScheduleSpec probe = spec.withTiming(spec.cronExpression() == null ? "0 0 * * *" : spec.cronExpression(),
                spec.timezone() == null ? "UTC" : spec.timezone(), spec.dstPolicy());
        try {
            ScheduleValidator.validate(tenant, probe);
        } catch (ValidationException e) {
            for (ValidationException.FieldError f : e.errors()) {
                if (!errors.has(f.field())) errors.add(f.field(), f.message());
            }
        }
        errors.throwIfAny();
        return spec;
    }

    private static ScheduleSpec overlay(ScheduleBody b, ScheduleSpec base, String tenant, FieldErrors errors) {
        String name = b.name() != null ? errors.text("name", b.name(), true, 200) : base.name();
        if (name == null && b.name() == null) errors.add("name", "required");

        String cron = base.cronExpression();
        if (b.cronExpression() != null) cron = errors.text("cronExpression", b.cronExpression(), true, 128);
        else if (cron == null) errors.add("cronExpression", "required");

        String tz = base.timezone();
        if (b.timezone() != null) tz = errors.text("timezone", b.timezone(), true, 64);

        Mode mode = base.mode();
        if (b.mode() != null) {
            mode = Mode.fromWire(b.mode()).orElse(null);
            if (mode == null) errors.add("mode", "must be analysis-only or content-refresh");
        }

        Selector sel = b.selection() != null ? b.selection().toSelector(tenant, "selection", errors) : base.selection();

        Schedule.OnlyIf onlyIf = base.onlyIf();
        if (b.onlyIf() != null) {
            Integer days = b.onlyIf().lastReportOlderThanDays();
            if (days != null && (days < 1 || days > 3650)) errors.add("onlyIf.lastReportOlderThanDays", "must be 1..3650");
            String rev = b.onlyIf().policyRevision() == null ? null
                    : errors.text("onlyIf.policyRevision", b.onlyIf().policyRevision(), false, 128);
            onlyIf = new Schedule.OnlyIf(days, rev);
        }

        Schedule.NotifyPolicy notify = base.notifications();
        if (b.notifications() != null) {
            var n = b.notifications();
            String min = n.minSeverity() == null ? notify.minSeverity() : n.minSeverity().toLowerCase(Locale.ROOT);
            if (n.minSeverity() != null && (Severity.fromWire(min) == Severity.UNKNOWN)) {
                errors.add("notify.minSeverity", "must be critical, high, medium or low");
            }
            notify = new Schedule.NotifyPolicy(n.onNewFindings() == null ? notify.onNewFindings() : n.onNewFindings(),
                    min, n.includeKev() == null ? notify.includeKev() : n.includeKev());
        }

        Schedule.Limits limits = base.limits();
        if (b.limits() != null) {
            var l = b.limits();
            if (l.maxJobs() != null && (l.maxJobs() < 1 || l.maxJobs() > 10_000_000)) errors.add("limits.maxJobs", "must be 1..10000000");
            if (l.ratePerSecond() != null && !(l.ratePerSecond() > 0 && l.ratePerSecond() <= 100_000)) {
                errors.add("limits.ratePerSecond", "must be > 0 and <= 100000");
            }
            if (l.parallelism() != null && (l.parallelism() < 1 || l.parallelism() > 1024)) errors.add("limits.parallelism", "must be 1..1024");
            if (l.burst() != null && (l.burst() < 1 || l.burst() > 100_000)) errors.add("limits.burst", "must be 1..100000");
            limits = new Schedule.Limits(l.maxJobs(), l.ratePerSecond(), l.parallelism(), l.burst());
        }

        Schedule.DstPolicy dst = base.dstPolicy();
        if (b.dstPolicy() != null) {
            Schedule.DstPolicy.Gap gap = dst.gap();
            Schedule.DstPolicy.Overlap overlap = dst.overlap();
            if (b.dstPolicy().gap() != null) {
                switch (b.dstPolicy().gap()) {
                    case "skip" -> gap = Schedule.DstPolicy.Gap.SKIP;
                    case "shift" -> gap = Schedule.DstPolicy.Gap.SHIFT;
                    default -> errors.add("dstPolicy.gap", "must be skip or shift");
                }
            }
            if (b.dstPolicy().overlap() != null) {
                switch (b.dstPolicy().overlap()) {
                    case "once" -> overlap = Schedule.DstPolicy.Overlap.ONCE;
                    case "twice" -> overlap = Schedule.DstPolicy.Overlap.TWICE;
                    default -> errors.add("dstPolicy.overlap", "must be once or twice");
                }
            }
            dst = new Schedule.DstPolicy(gap, overlap);
        }
        boolean enabled = b.enabled() != null ? b.enabled() : base.enabled();
        return new ScheduleSpec(name, enabled, cron, tz, mode, sel, onlyIf, notify, limits, dst);
    }
}
