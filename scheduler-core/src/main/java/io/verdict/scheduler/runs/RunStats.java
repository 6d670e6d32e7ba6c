package io.verdict.scheduler.runs;

/**
 * Counters shown for a run. Never stored on its own: {@link RunProgress} derives it from the plan facts
 * (candidates, deduped) and the segments' recorded outcomes, so it cannot drift from them.
 */
public record RunStats(
        int candidates,
        int deduped,
        int queued,
        int completed,
        int failed,
        int deltas,
        int newCriticals,
        int newHigh,
        int newMedium,
        int newLow,
        int resolved,
        int quieted,
        int kevHits) {

    public static RunStats empty(int candidates, int deduped) {
        return new RunStats(candidates, deduped, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The stats as plain data (JSON field names), for payloads and manifests. */
    public java.util.Map<String, Object> asMap() {
        RunStats s = this;
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("candidates", s.candidates());
        m.put("deduped", s.deduped());
        m.put("queued", s.queued());
        m.put("completed", s.completed());
        m.put("failed", s.failed());
        m.put("deltas", s.deltas());
        m.put("newCriticals", s.newCriticals());
        m.put("newHigh", s.newHigh());
        m.put("newMedium", s.newMedium());
        m.put("newLow", s.newLow());
        m.put("resolved", s.resolved());
        m.put("quieted", s.quieted());
        m.put("kevHits", s.kevHits());
        return m;
    }

    /** Targets evaluated so far (completed + failed). */
    public int processed() {
        return completed + failed;
    }
}
