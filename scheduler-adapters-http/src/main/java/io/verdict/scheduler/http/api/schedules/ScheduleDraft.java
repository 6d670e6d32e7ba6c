package io.verdict.scheduler.http.api.schedules;

import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.http.api.schedules.ScheduleJson.ScheduleBody;
import io.verdict.scheduler.http.views.FieldErrors;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleSpec;
import io.verdict.scheduler.schedules.ScheduleValidator;

import java.util.Locale;

/**
 * Maps a schedule document (a create body, or the stored schedule with a merge patch applied) to a
 * {@link ScheduleSpec}. It only translates: wire spellings ({@code "analysis-only"}, {@code "skip"}) become domain
 * values, absent members become the create defaults. Whether the values are acceptable — required fields, lengths,
 * ranges of {@code limits} and {@code onlyIf}, cron, zone — is decided by the core's {@link ScheduleValidator}
 * alone (the service calls it), so the API and the core refuse the same values with the same messages.
 *
 * <p>A value that cannot even be translated (an unknown {@code mode}) is reported together with the core's
 * verdict on the rest of the document, so one 400 still names every bad field.
 */
public final class ScheduleDraft {
    private ScheduleDraft() {}

    public static ScheduleSpec forCreate(ScheduleBody b, String tenant) {
        FieldErrors errors = new FieldErrors();
        if (b.version() != null) errors.add("version", "not allowed when creating");
        return checked(toSpec(b, tenant, errors), tenant, errors);
    }

    /** {@code merged} is the whole schedule document after the merge patch (see {@link ScheduleMergePatch}). */
    public static ScheduleSpec forPatch(ScheduleBody merged, String tenant) {
        FieldErrors errors = new FieldErrors();
        return checked(toSpec(merged, tenant, errors), tenant, errors);
    }

    private static ScheduleSpec checked(ScheduleSpec spec, String tenant, FieldErrors errors) {
        if (errors.isEmpty()) return spec; // the service validates it with the core rules
        try {
            ScheduleValidator.validate(tenant, spec);
        } catch (ValidationException e) {
            for (ValidationException.FieldError f : e.errors()) {
                if (!errors.has(f.field())) errors.add(f.field(), f.message());
            }
        }
        errors.throwIfAny();
        return spec;
    }

    private static ScheduleSpec toSpec(ScheduleBody b, String tenant, FieldErrors errors) {
        Mode mode = Mode.ANALYSIS_ONLY;
        if (b.mode() != null) {
            mode = Mode.fromWire(b.mode()).orElse(Mode.ANALYSIS_ONLY);
            if (Mode.fromWire(b.mode()).isEmpty()) errors.add("mode", "must be analysis-only or content-refresh");
        }
        Selector sel = b.selection() == null ? null : b.selection().toSelector(tenant, "selection", errors);

        Schedule.OnlyIf onlyIf = b.onlyIf() == null ? Schedule.OnlyIf.NONE
                : new Schedule.OnlyIf(b.onlyIf().lastReportOlderThanDays(), b.onlyIf().policyRevision());

        Schedule.NotifyPolicy notify = Schedule.NotifyPolicy.DEFAULT;
        if (b.notifications() != null) {
            var n = b.notifications();
            notify = new Schedule.NotifyPolicy(n.onNewFindings() == null ? notify.onNewFindings() : n.onNewFindings(),
                    n.minSeverity() == null ? notify.minSeverity() : n.minSeverity().toLowerCase(Locale.ROOT),
                    n.includeKev() == null ? notify.includeKev() : n.includeKev());
        }

        Schedule.Limits limits = b.limits() == null ? Schedule.Limits.NONE
                : new Schedule.Limits(b.limits().maxJobs(), b.limits().ratePerSecond(), b.limits().parallelism(),
                b.limits().burst());

        Schedule.DstPolicy dst = Schedule.DstPolicy.DEFAULT;
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
        boolean enabled = b.enabled() == null || b.enabled();
        String timezone = b.timezone() == null ? "UTC" : b.timezone();
        return new ScheduleSpec(b.name(), enabled, b.cronExpression(), timezone, mode, sel, onlyIf, notify, limits, dst);
    }
}
