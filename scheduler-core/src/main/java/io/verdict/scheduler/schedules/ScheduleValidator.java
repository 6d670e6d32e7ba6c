package io.verdict.scheduler.schedules;

import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.errors.ValidationException.FieldError;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@link ScheduleSpec} and returns it normalised (trimmed name, single-spaced cron, selector bound to the
 * tenant, defaults filled in). Reports every bad field at once, with JSON field paths ({@code selection.namespaces},
 * {@code limits.ratePerSecond}), so a client can highlight them all.
 */
public final class ScheduleValidator {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_POLICY_REVISION_LENGTH = 128;
    /** Ten years: a report older than that is simply "old"; larger values are typos. */
    public static final int MAX_REPORT_AGE_DAYS = 3650;
    /*
     * Pace limits. Upper bounds keep a typo (an extra zero or two) from becoming a schedule that floods the scanner
     * or plans an unbounded run; they are the only ranges anywhere: the HTTP adapter reports these, it has none.
     */
    public static final int MAX_JOBS = 10_000_000;
    public static final double MAX_RATE_PER_SECOND = 100_000;
    public static final int MAX_PARALLELISM = 1024;
    public static final int MAX_BURST = 100_000;
    private static final Set<String> SEVERITIES = Set.of("critical", "high", "medium", "low");

    private ScheduleValidator() {}

    public static ScheduleSpec validate(String tenantId, ScheduleSpec spec) {
        if (spec == null) throw ValidationException.of("body", "a schedule is required");
        List<FieldError> errors = new ArrayList<>();

        String name = spec.name() == null ? "" : spec.name().trim();
        if (name.isEmpty()) errors.add(new FieldError("name", "is required"));
        else if (name.length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", "is " + name.length() + " characters; at most " + MAX_NAME_LENGTH));
        } else if (hasControl(spec.name())) { // before trimming: trim() also eats control characters
            errors.add(new FieldError("name", "must not contain control characters"));
        }

        String cron = CronExpressions.normalize(spec.cronExpression());
        collect(errors, () -> CronExpressions.validate(cron));
        collect(errors, () -> CronExpressions.zone(spec.timezone()));

        Selector selection = spec.selection() == null ? Selector.allImages(tenantId) : spec.selection();
        selector(tenantId, selection, errors);

        Schedule.OnlyIf onlyIf = spec.onlyIf() == null ? Schedule.OnlyIf.NONE : spec.onlyIf();
        range(errors, "onlyIf.lastReportOlderThanDays", onlyIf.lastReportOlderThanDays(), MAX_REPORT_AGE_DAYS);
        String revision = onlyIf.policyRevision();
        if (revision != null && revision.isBlank()) {
            errors.add(new FieldError("onlyIf.policyRevision", "must not be blank (omit it instead)"));
        } else if (revision != null && revision.length() > MAX_POLICY_REVISION_LENGTH) {
            errors.add(new FieldError("onlyIf.policyRevision", "is " + revision.length() + " characters; at most "
                    + MAX_POLICY_REVISION_LENGTH));
        } else if (revision != null && hasControl(revision)) {
            errors.add(new FieldError("onlyIf.policyRevision", "must not contain control characters"));
        }

        Schedule.NotifyPolicy notify = spec.notifications() == null ? Schedule.NotifyPolicy.DEFAULT : spec.notifications();
        if (notify.minSeverity() != null && !SEVERITIES.contains(notify.minSeverity())) {
            errors.add(new FieldError("notify.minSeverity", "'" + notify.minSeverity()
                    + "' is not one of critical, high, medium, low"));
        }

        Schedule.Limits limits = spec.limits() == null ? Schedule.Limits.NONE : spec.limits();
        range(errors, "limits.maxJobs", limits.maxJobs(), MAX_JOBS);
        range(errors, "limits.parallelism", limits.parallelism(), MAX_PARALLELISM);
        range(errors, "limits.burst", limits.burst(), MAX_BURST);
        Double rate = limits.ratePerSecond();
        if (rate != null && !(rate > 0 && rate <= MAX_RATE_PER_SECOND)) { // NaN fails both comparisons
            errors.add(new FieldError("limits.ratePerSecond", "is " + rate + "; must be greater than 0 and at most "
                    + (long) MAX_RATE_PER_SECOND));
        }

        Schedule.DstPolicy dst = spec.dstPolicy() == null ? Schedule.DstPolicy.DEFAULT : spec.dstPolicy();
        if (dst.gap() == null) errors.add(new FieldError("dstPolicy.gap", "must be skip or shift"));
        if (dst.overlap() == null) errors.add(new FieldError("dstPolicy.overlap", "must be once or twice"));

        if (!errors.isEmpty()) throw new ValidationException(errors);
        return new ScheduleSpec(name, spec.enabled(), cron, spec.timezone(),
                spec.mode() == null ? Mode.ANALYSIS_ONLY : spec.mode(), selection.withTenant(tenantId), onlyIf,
                notify.minSeverity() == null
                        ? new Schedule.NotifyPolicy(notify.onNewFindings(), Schedule.NotifyPolicy.DEFAULT.minSeverity(),
                        notify.includeKev())
                        : notify,
                limits, dst);
    }

    private static void selector(String tenantId, Selector s, List<FieldError> errors) {
        if (s.tenantId() != null && !s.tenantId().equals(tenantId)) {
            errors.add(new FieldError("selection.tenantId", "must be the schedule's tenant (or omitted)"));
        }
        String scope = s.scope().wire();
        switch (s.scope()) {
            case BY_NAMESPACE -> required(errors, "selection.namespaces", s.namespaces(), scope);
            case BY_REPOSITORY -> required(errors, "selection.repositories", s.repositories(), scope);
            case BY_DIGEST -> required(errors, "selection.digests", s.digests(), scope);
            case BY_LABELS -> {
                if (s.labels().isEmpty()) errors.add(new FieldError("selection.labels", "is required when scope is " + scope));
            }
            case ALL_IMAGES -> { }
        }
        noBlanks(errors, "selection.namespaces", s.namespaces());
        noBlanks(errors, "selection.repositories", s.repositories());
        noBlanks(errors, "selection.includeTags", s.includeTags());
        errors.addAll(io.verdict.scheduler.impact.Globs.problems("selection", s));
        for (int i = 0; i < s.digests().size(); i++) {
            String d = s.digests().get(i);
            if (!ImageRecord.isValidDigest(d)) {
                errors.add(new FieldError("selection.digests[" + i + "]", "'" + d
                        + "' is not a digest like sha256:<64 lower-case hex characters>"));
            }
        }
        for (int i = 0; i < s.labels().size(); i++) {
            Selector.LabelFilter l = s.labels().get(i);
            if (l.key().isBlank()) errors.add(new FieldError("selection.labels[" + i + "].key", "must not be blank"));
            noBlanks(errors, "selection.labels[" + i + "].values", l.values());
        }
    }

    private static void required(List<FieldError> errors, String field, List<String> values, String scope) {
        if (values.isEmpty()) errors.add(new FieldError(field, "is required when scope is " + scope));
    }

    private static void noBlanks(List<FieldError> errors, String field, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isBlank()) {
                errors.add(new FieldError(field + "[" + i + "]", "must not be blank"));
            }
        }
    }

    private static void range(List<FieldError> errors, String field, Integer value, int max) {
        if (value != null && (value < 1 || value > max)) {
            errors.add(new FieldError(field, "is " + value + "; must be between 1 and " + max));
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    private static void collect(List<FieldError> errors, Runnable check) {
        try {
            check.run();
        } catch (ValidationException e) {
            errors.addAll(e.errors());
        }
    }
}
