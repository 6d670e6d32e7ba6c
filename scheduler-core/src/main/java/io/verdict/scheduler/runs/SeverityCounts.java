package io.verdict.scheduler.runs;

import java.util.Map;

/**
 * The severity counters a delta, a segment outcome and a run's stats all carry: new findings by severity,
 * findings resolved or quieted (VEX {@code not_affected}), and KEV hits. One type so the seven counters are
 * summed, stored and shown the same way everywhere.
 */
public record SeverityCounts(int newCriticals, int newHigh, int newMedium, int newLow, int resolved, int quieted,
                             int kevHits) {
    public static final SeverityCounts ZERO = new SeverityCounts(0, 0, 0, 0, 0, 0, 0);

    public SeverityCounts {
        if (newCriticals < 0 || newHigh < 0 || newMedium < 0 || newLow < 0 || resolved < 0 || quieted < 0
                || kevHits < 0) {
            throw new IllegalArgumentException("severity counts are never negative");
        }
    }

    public SeverityCounts plus(SeverityCounts o) {
        return new SeverityCounts(newCriticals + o.newCriticals, newHigh + o.newHigh, newMedium + o.newMedium,
                newLow + o.newLow, resolved + o.resolved, quieted + o.quieted, kevHits + o.kevHits);
    }

    public SeverityCounts withKevHits(int n) {
        return n == kevHits ? this : new SeverityCounts(newCriticals, newHigh, newMedium, newLow, resolved, quieted, n);
    }

    /** New findings of any severity. */
    public int newFindings() {
        return newCriticals + newHigh + newMedium + newLow;
    }

    /** Puts the seven counters under their wire names (SPEC §3), keeping the caller's key order. */
    public void putInto(Map<String, Object> m) {
        m.put("newCriticals", newCriticals);
        m.put("newHigh", newHigh);
        m.put("newMedium", newMedium);
        m.put("newLow", newLow);
        m.put("resolved", resolved);
        m.put("quieted", quieted);
        m.put("kevHits", kevHits);
    }
}
