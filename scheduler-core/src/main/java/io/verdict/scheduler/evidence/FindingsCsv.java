package io.verdict.scheduler.evidence;

import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.TopFinding;

import java.util.List;

/**
 * {@code findings-delta.csv} (RFC 4180): one row per top finding of each image with a meaningful delta, or one
 * row with empty finding columns when the delta has none (e.g. only resolved findings). Cells that a
 * spreadsheet would run as a formula are prefixed with an apostrophe.
 */
public final class FindingsCsv {
    public static final String HEADER = "runId,imageDigest,newFindings,newCriticals,newHigh,newMedium,newLow,resolved,"
            + "quieted,kevHits,vulnerabilityId,purl,severity,kev,detectedAt";

    private FindingsCsv() {}

    public static String write(String runId, List<DeltaSummary> deltas) {
        StringBuilder sb = new StringBuilder(HEADER).append("\r\n");
        for (DeltaSummary d : deltas) {
            String prefix = String.join(",", cell(runId), cell(d.imageDigest()), n(d.newFindings()), n(d.severity().newCriticals()),
                    n(d.severity().newHigh()), n(d.severity().newMedium()), n(d.severity().newLow()), n(d.severity().resolved()), n(d.severity().quieted()),
                    cell(String.join(" ", d.kevHits())));
            String at = d.detectedAt() == null ? "" : d.detectedAt().toString();
            if (d.topFindings().isEmpty()) {
                sb.append(prefix).append(",,,,,").append(cell(at)).append("\r\n");
            }
            for (TopFinding f : d.topFindings()) {
                sb.append(prefix).append(',').append(cell(f.vulnerabilityId())).append(',').append(cell(f.purl()))
                        .append(',').append(cell(f.severity().wire())).append(',').append(f.kev()).append(',')
                        .append(cell(at)).append("\r\n");
            }
        }
        return sb.toString();
    }

    private static String n(int v) {
        return Integer.toString(v);
    }

    static String cell(String v) {
        if (v == null || v.isEmpty()) return "";
        String s = v;
        char c = s.charAt(0);
        if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') s = "'" + s;
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
