package io.verdict.scheduler.runs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters shown for a run. Never stored on its own: derived from the plan facts (candidates, deduped) and the
 * segments' outcomes — by the read model ({@code RunProgressStore}) while the run goes, or by
 * {@link RunProgress} from the segments themselves.
 *
 * @param queued    targets of segments not yet terminal (waiting, leased or running)
 * @param completed targets evaluated
 * @param failed    targets that failed (rejected by the scanner, or in a dead segment)
 * @param cancelled targets never evaluated because their segment was cancelled
 */
public record RunStats(
        int candidates,
        int deduped,
        int queued,
        int completed,
        int failed,
        int cancelled,
        int deltas,
        SeverityCounts severity) {

    public RunStats {
        severity = severity == null ? SeverityCounts.ZERO : severity;
    }

    public static RunStats empty(int candidates, int deduped) {
        return new RunStats(candidates, deduped, 0, 0, 0, 0, 0, SeverityCounts.ZERO);
    }

    /** The stats as plain data (SPEC §3 RunStats field names), for payloads and manifests. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidates", candidates);
        m.put("deduped", deduped);
        m.put("queued", queued);
        m.put("completed", completed);
        m.put("failed", failed);
        m.put("deltas", deltas);
        severity.putInto(m);
        return m;
    }

    /** Targets evaluated so far (completed + failed). */
    public int processed() {
        return completed + failed;
    }
}
