package io.verdict.scheduler.planning;

import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;

import java.util.Objects;
import java.util.Set;

/**
 * What to plan: the trigger, the purls an advisory/VEX delta changed (or every image of the selector), and
 * the parameters the targets are filtered with.
 *
 * @param priorityPurls purls tied to KEV or critical advisories; images containing them are queued first
 * @param onlyIfLastReportOlderThanDays skip images whose last report is newer (schedules' {@code onlyIf})
 */
public record PlanRequest(
        String tenantId,
        Trigger trigger,
        Mode mode,
        Selector selector,
        Set<String> purls,
        boolean allImages,
        boolean usageOnly,
        RunReason reason,
        String scheduleId,
        String retryOf,
        Set<String> priorityPurls,
        Integer onlyIfLastReportOlderThanDays,
        Integer maxJobs) {

    /** A request without a {@code limits.maxJobs} cap. */
    public PlanRequest(String tenantId, Trigger trigger, Mode mode, Selector selector, Set<String> purls,
                       boolean allImages, boolean usageOnly, RunReason reason, String scheduleId, String retryOf,
                       Set<String> priorityPurls, Integer onlyIfLastReportOlderThanDays) {
        this(tenantId, trigger, mode, selector, purls, allImages, usageOnly, reason, scheduleId, retryOf, priorityPurls,
                onlyIfLastReportOlderThanDays, null);
    }

    public PlanRequest {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(trigger, "trigger");
        mode = mode == null ? Mode.ANALYSIS_ONLY : mode;
        selector = selector == null ? Selector.allImages(tenantId) : selector;
        // Bounded globs are a rule of every plan and preview, whichever edge the request came through.
        var globProblems = io.verdict.scheduler.impact.Globs.problems("selector", selector);
        if (!globProblems.isEmpty()) throw new io.verdict.scheduler.errors.ValidationException(globProblems);
        purls = purls == null ? Set.of() : Set.copyOf(purls);
        priorityPurls = priorityPurls == null ? Set.of() : Set.copyOf(priorityPurls);
        reason = reason == null ? new RunReason(null, null, null, null, null, null, null, null) : reason;
        if (maxJobs != null && maxJobs < 1) throw new IllegalArgumentException("maxJobs must be >= 1");
    }

    /** A manual or cron run over every image the selector allows. */
    public static PlanRequest sweep(String tenantId, Trigger trigger, Mode mode, Selector selector, RunReason reason,
                                    String scheduleId) {
        return new PlanRequest(tenantId, trigger, mode, selector, Set.of(), true, false, reason, scheduleId, null,
                Set.of(), null);
    }

    /** A run over the images containing any of the purls. */
    public static PlanRequest forPurls(String tenantId, Trigger trigger, Set<String> purls, RunReason reason) {
        return new PlanRequest(tenantId, trigger, Mode.ANALYSIS_ONLY, null, purls, false, false, reason, null, null,
                Set.of(), null);
    }

    public PlanRequest withRetryOf(String runId) {
        return new PlanRequest(tenantId, trigger, mode, selector, purls, allImages, usageOnly, reason, scheduleId,
                runId, priorityPurls, onlyIfLastReportOlderThanDays, maxJobs);
    }

    /** Caps the run at {@code limit} targets (a schedule's {@code limits.maxJobs}); null removes the cap. */
    public PlanRequest withMaxJobs(Integer limit) {
        return new PlanRequest(tenantId, trigger, mode, selector, purls, allImages, usageOnly, reason, scheduleId,
                retryOf, priorityPurls, onlyIfLastReportOlderThanDays, limit);
    }

    public PlanRequest withPriority(Set<String> kevPurls) {
        return new PlanRequest(tenantId, trigger, mode, selector, purls, allImages, usageOnly, reason, scheduleId,
                retryOf, kevPurls, onlyIfLastReportOlderThanDays, maxJobs);
    }
}
