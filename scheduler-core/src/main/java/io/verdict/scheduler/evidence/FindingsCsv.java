package io.verdict.scheduler.evidence;

import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.TopFinding;

import java.util.List;

/** The findings delta of a run as CSV (RFC 4180 quoting), one row per top finding of each changed image. */
public final class FindingsCsv {
    public static final String HEADER = "imageDigest,vulnerabilityId,purl,severity,kev,newFindings,resolved,quieted\r\n";

    private FindingsCsv() {}

    public static String write(List<DeltaSummary> deltas) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (DeltaSummary d : deltas) {
            if (d.topFindings().isEmpty()) {
                row(sb, d, null);
            } else {
                for (TopFinding f : d.topFindings()) row(sb, d, f);
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, DeltaSummary d, TopFinding f) {
        sb.append(cell(d.imageDigest())).append(',')
                .append(cell(f == null ? "" : f.vulnerabilityId())).append(',')
                .append(cell(f == null ? "" : f.purl())).append(',')
                .append(f == null ? "" : f.severity().wire()).append(',')
                .append(f != null && f.kev()).append(',')
                .append(d.newFindings()).append(',').append(d.resolved()).append(',').append(d.quieted()).append("\r\n");
    }

    /** Quotes when needed; a leading =,+,-,@ is prefixed with ' so spreadsheets do not evaluate it. */
    static String cell(String v) {
        if (v == null) return "";
        String s = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
