package io.verdict.scheduler.http.console;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventFeed;
import io.verdict.scheduler.events.RunEventRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last N {@code log} events of a run without reading its whole event history: find the end by binary
 * search over {@code after(seq, 1)}, then read windows backwards until N log lines are found.
 */
public final class LogTail {
    private static final int WINDOW = 500;

    private LogTail() {}

    public static List<RunEventRecord> last(RunEventFeed log, String runId, int n) {
        long end = endBound(log, runId);
        Deque<RunEventRecord> found = new ArrayDeque<>();
        long upper = end; // events with seq <= upper not yet scanned
        while (found.size() < n && upper > 0) {
            long from = Math.max(0, upper - WINDOW);
            List<RunEventRecord> window = new ArrayList<>();
            for (RunEventRecord r : log.after(runId, from, WINDOW)) if (r.seq() <= upper) window.add(r);
            for (int i = window.size() - 1; i >= 0 && found.size() < n; i--) {
                if (window.get(i).event() instanceof RunEvent.Log) found.addFirst(window.get(i));
            }
            upper = from;
        }
        return List.copyOf(found);
    }

    /** A sequence number at or above the run's last event (0 when it has none). */
    static long endBound(RunEventFeed log, String runId) {
        if (log.after(runId, 0, 1).isEmpty()) return 0;
        long lo = 0;
        long hi = 1;
        while (!log.after(runId, hi, 1).isEmpty()) {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (log.after(runId, mid, 1).isEmpty()) hi = mid; else lo = mid;
        }
        return hi;
    }
}
