package io.verdict.scheduler.execution;

import io.verdict.scheduler.runs.Severity;

/** One vulnerability of one component in a report. */
public record Finding(String vulnerabilityId, String purl, Severity severity, boolean kev, FindingStatus status) {
    /** Identity of a finding across reports. */
    public String key() {
        return vulnerabilityId + "|" + purl;
    }
}
