package io.verdict.scheduler.runs;

import java.time.Instant;
import java.util.List;

/**
 * The meaningful change of one image's verdict in one run. {@code severity.kevHits()} is always the size of
 * {@code kevHits} (the IDs): the count is derived from the list, never stored beside it.
 */
public record DeltaSummary(
        String runId,
        String tenantId,
        String imageDigest,
        int newFindings,
        SeverityCounts severity,
        List<String> kevHits,
        List<TopFinding> topFindings,
        String reportUrl,
        Instant detectedAt) {

    public DeltaSummary {
        kevHits = List.copyOf(kevHits);
        topFindings = List.copyOf(topFindings);
        severity = (severity == null ? SeverityCounts.ZERO : severity).withKevHits(kevHits.size());
    }

    /** True when anything worth telling a person changed. */
    public boolean isMeaningful() {
        return newFindings > 0 || severity.resolved() > 0 || severity.quieted() > 0 || !kevHits.isEmpty();
    }
}
