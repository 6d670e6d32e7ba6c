package io.verdict.scheduler.runs;

import java.time.Instant;
import java.util.List;

/** The meaningful change of one image's verdict in one run. */
public record DeltaSummary(
        String runId,
        String tenantId,
        String imageDigest,
        int newFindings,
        int newCriticals,
        int newHigh,
        int newMedium,
        int newLow,
        int resolved,
        int quieted,
        List<String> kevHits,
        List<TopFinding> topFindings,
        String reportUrl,
        Instant detectedAt) {

    public DeltaSummary {
        kevHits = List.copyOf(kevHits);
        topFindings = List.copyOf(topFindings);
    }

    /** True when anything worth telling a person changed. */
    public boolean isMeaningful() {
        return newFindings > 0 || resolved > 0 || quieted > 0 || !kevHits.isEmpty();
    }
}
