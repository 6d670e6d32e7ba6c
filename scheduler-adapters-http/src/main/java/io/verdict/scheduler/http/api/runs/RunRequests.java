package io.verdict.scheduler.http.api.runs;

import io.verdict.scheduler.http.views.SelectorJson;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Request and answer bodies of the runs API. */
public final class RunRequests {
    private RunRequests() {}

    /**
     * Manual run: a schedule's selection ({@code scheduleId}) or an explicit {@code selector}; {@code mode}
     * defaults to the schedule's or analysis-only; {@code policySnapshot} pins the policy revision.
     */
    public record ManualRun(String scheduleId, SelectorJson selector, String mode, String reason,
                            String policySnapshot) {}

    /** Impact preview: purls or vulnerability IDs, optionally narrowed by a selector. */
    public record Preview(List<String> purls, List<String> vulnerabilityIds, SelectorJson selector,
                          Boolean usageOnly, Integer sampleSize) {}

    public record SampleImage(String imageDigest, String registry, String repository, List<String> namespaces,
                              List<String> tags, boolean usedByEntrypoint) {}

    public record PreviewResult(int total, List<SampleImage> sample, Map<String, Integer> byNamespace,
                                Instant indexBuiltAt, List<String> unresolvedVulnerabilityIds) {}

    /** Body of {@code POST /runs/{id}/retry} (optional): {@code scope} failed (default) or all. */
    public record RetryBody(String scope) {}

    public record QueueRow(String queue, String tenantId, long ready, long delayed, long leased, long total) {}

    public record QueueLag(List<QueueRow> queues, int activeRuns, Double plannerHeartbeatAgeSeconds) {}
}
