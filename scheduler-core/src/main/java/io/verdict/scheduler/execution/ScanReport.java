package io.verdict.scheduler.execution;

import java.time.Instant;
import java.util.List;

/** The scanner's answer for one image: its verdict and findings. */
public record ScanReport(String reportId, String imageDigest, String verdict, List<Finding> findings, Instant generatedAt) {
    public ScanReport {
        findings = List.copyOf(findings);
    }
}
