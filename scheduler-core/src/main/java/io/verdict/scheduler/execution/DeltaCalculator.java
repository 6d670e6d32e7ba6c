package io.verdict.scheduler.execution;

import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.TopFinding;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares an image's new report with its previous one. New: affected now, not affected before. Resolved:
 * affected before, fixed or gone now. Quieted: affected before, {@code not_affected} now (a VEX statement).
 * KEV hits: new findings on the KEV list, or findings that joined it.
 */
public final class DeltaCalculator {
    private static final int TOP = 5;

    private DeltaCalculator() {}

    public static DeltaSummary compare(String runId, String tenantId, ScanReport previous, ScanReport current,
                                       String reportUrl, Instant detectedAt) {
        Map<String, Finding> before = new HashMap<>();
        if (previous != null) for (Finding f : previous.findings()) before.put(f.key(), f);
        Map<String, Finding> after = new HashMap<>();
        for (Finding f : current.findings()) after.put(f.key(), f);

        List<Finding> fresh = new ArrayList<>();
        TreeSet<String> kev = new TreeSet<>();
        int resolved = 0;
        int quieted = 0;
        for (Finding now : current.findings()) {
            Finding was = before.get(now.key());
            boolean wasAffected = was != null && was.status() == FindingStatus.AFFECTED;
            if (now.status() == FindingStatus.AFFECTED) {
                if (!wasAffected) {
                    fresh.add(now);
                    if (now.kev()) kev.add(now.vulnerabilityId());
                } else if (now.kev() && !was.kev()) {
                    kev.add(now.vulnerabilityId());
                }
            } else if (wasAffected) {
                if (now.status() == FindingStatus.NOT_AFFECTED) quieted++; else resolved++;
            }
        }
        for (Finding was : before.values()) {
            if (was.status() == FindingStatus.AFFECTED && !after.containsKey(was.key())) resolved++;
        }
        int[] bySeverity = new int[Severity.values().length];
        for (Finding f : fresh) bySeverity[f.severity().ordinal()]++;
        fresh.sort(Comparator.comparing((Finding f) -> !f.kev()).thenComparing(Finding::severity)
                .thenComparing(Finding::vulnerabilityId).thenComparing(Finding::purl));
        List<TopFinding> top = fresh.stream().limit(TOP)
                .map(f -> new TopFinding(f.purl(), f.vulnerabilityId(), f.severity(), f.kev())).toList();
        SeverityCounts counts = new SeverityCounts(bySeverity[Severity.CRITICAL.ordinal()],
                bySeverity[Severity.HIGH.ordinal()], bySeverity[Severity.MEDIUM.ordinal()],
                bySeverity[Severity.LOW.ordinal()], resolved, quieted, kev.size());
        return new DeltaSummary(runId, tenantId, current.imageDigest(), fresh.size(), counts, List.copyOf(kev), top,
                reportUrl, detectedAt);
    }
}
