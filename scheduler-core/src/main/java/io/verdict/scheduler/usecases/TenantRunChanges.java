package io.verdict.scheduler.usecases;

import io.verdict.scheduler.errors.NotFoundException;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventFeed;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunStats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A tenant's run changes as a resumable feed: what the console's list stream sends (created, queued, running,
 * progress, terminal — each as the run's current row).
 *
 * <p>There is no tenant-wide sequence in the stores, so the position is a {@link Cursor} built from durable data
 * only: the per-run event sequence numbers of the runs that can still change, plus a watermark on run creation
 * time. A run is "still able to change" while it is not terminal; a terminal run's row never changes again (a
 * retry is a new run). Runs created after the watermark are new to the cursor. Runs created within {@link #GRACE}
 * before the watermark stay in the cursor even when terminal, so runs created in the same instant (or inserted a
 * little out of order) are told apart exactly. The cursor therefore holds the active runs plus a few seconds of
 * creations — bounded; beyond {@link #MAX_TRACKED} runs the feed answers {@link Changes#reset()} and the reader
 * reloads the list.
 *
 * <p>Because the cursor is made of stored sequence numbers, a reader that reconnects with it — to this process or
 * to another one after a restart — gets exactly the changes after it: nothing before is repeated, nothing after
 * is missed. Reading is per call (no state here); the caller decides when to look again.
 */
public final class TenantRunChanges {
    /** Runs a cursor may name (so an ID stays well under an 8 KiB request header); more: a reset. */
    public static final int MAX_TRACKED = 128;
    /** Creations this close to the watermark stay named in the cursor, terminal or not. */
    public static final Duration GRACE = Duration.ofSeconds(5);
    private static final int PAGE = 500;

    private final RunQueries queries;

    public TenantRunChanges(RunQueries queries) {
        this.queries = queries;
    }

    /** One run whose row changed: its current state and stats, the last event seen, and the cursor after it. */
    public record Change(Run run, RunStats stats, long seq, Cursor cursor) {}

    /**
     * @param changes the changed runs, oldest creation first, each with the cursor after it
     * @param cursor  the position after everything read (it may have advanced past log-only events too)
     * @param reset   the tenant has more runs to follow than a cursor can name: reload, then go on from {@code cursor}
     */
    public record Changes(List<Change> changes, Cursor cursor, boolean reset) {}

    /**
     * A position in a tenant's run changes. {@code watermark}: the newest run creation seen (epoch ms);
     * {@code seqs}: for every run that can still change or was created within {@link #GRACE} of the watermark, the
     * last event sequence number accounted for (0 = none yet).
     */
    public record Cursor(long watermark, SortedMap<String, Long> seqs) {
        private static final Pattern ENTRY = Pattern.compile("[^,=\\s]+=\\d{1,18}");

        public Cursor {
            seqs = Collections.unmodifiableSortedMap(new TreeMap<>(seqs));
        }

        /** The SSE {@code id:}: {@code 1.<watermark>[,runId=seq]*}. Printable ASCII, no spaces or line breaks. */
        public String encode() {
            StringBuilder b = new StringBuilder("1.").append(watermark);
            seqs.forEach((id, seq) -> b.append(',').append(id).append('=').append(seq));
            return b.toString();
        }

        /** Reads a {@code Last-Event-ID}; {@code field} names it in the 400. */
        public static Cursor parse(String value, String field) {
            String v = value.trim();
            String[] parts = v.split(",", -1);
            if (parts.length > MAX_TRACKED + 1 || !parts[0].matches("1\\.\\d{1,18}")) {
                throw ValidationException.of(field, "is not an event ID of this stream");
            }
            SortedMap<String, Long> seqs = new TreeMap<>();
            for (int i = 1; i < parts.length; i++) {
                if (!ENTRY.matcher(parts[i]).matches()) throw ValidationException.of(field, "is not an event ID of this stream");
                int eq = parts[i].lastIndexOf('=');
                seqs.put(parts[i].substring(0, eq), Long.parseLong(parts[i].substring(eq + 1)));
            }
            return new Cursor(Long.parseLong(parts[0].substring(2)), seqs);
        }
    }

    /** The tenant's present: a reader starting here is told only about later changes. */
    public Cursor now(String tenantId) {
        Map<String, Run> candidates = new LinkedHashMap<>();
        Page<Run> newest = queries.runs(RunFilter.tenant(tenantId), null, 1);
        long watermark = newest.items().isEmpty() ? 0 : newest.items().get(0).createdAt().toEpochMilli();
        for (Run r : recentAndActive(tenantId, watermark)) candidates.put(r.id(), r);
        // Too many to name: an empty cursor, which the next read answers with a reset.
        if (candidates.size() > MAX_TRACKED) return new Cursor(watermark, new TreeMap<>());
        SortedMap<String, Long> seqs = new TreeMap<>();
        for (Run r : candidates.values()) seqs.put(r.id(), lastSeq(r.id()));
        return new Cursor(watermark, seqs);
    }

    /** Changes of the tenant's runs after {@code cursor}; run IDs of another tenant in it are ignored. */
    public Changes after(String tenantId, Cursor cursor) {
        Map<String, Run> candidates = new LinkedHashMap<>();
        for (Run r : recentAndActive(tenantId, cursor.watermark())) candidates.put(r.id(), r);
        for (String id : cursor.seqs().keySet()) {
            if (candidates.containsKey(id)) continue;
            try {
                candidates.put(id, queries.run(tenantId, id));
            } catch (NotFoundException gone) {
                // Another tenant's run, or one that no longer exists: nothing to tell.
            }
        }
        if (candidates.size() > MAX_TRACKED) return new Changes(List.of(), cursor, true);

        // Read each candidate's events after its position; a run is reported when something other than a log
        // line happened (logs do not change a row) or when it is new to the cursor.
        List<Run> ordered = new ArrayList<>(candidates.values());
        ordered.sort(Comparator.comparing(Run::createdAt).thenComparing(Run::id));
        SortedMap<String, Long> seqs = new TreeMap<>(cursor.seqs());
        seqs.keySet().retainAll(candidates.keySet());
        List<Run> changed = new ArrayList<>();
        Map<String, Long> changedSeq = new LinkedHashMap<>();
        for (Run r : ordered) {
            Long known = seqs.get(r.id());
            boolean isNew = known == null;
            long from = isNew ? 0 : known;
            long last = from;
            boolean rowChanged = isNew;
            while (true) {
                List<RunEventRecord> page = events().after(r.id(), last, PAGE);
                for (RunEventRecord e : page) {
                    last = Math.max(last, e.seq());
                    if (!(e.event() instanceof RunEvent.Log)) rowChanged = true;
                }
                if (page.size() < PAGE) break;
            }
            if (rowChanged) {
                changed.add(r);
                changedSeq.put(r.id(), last);
            } else if (last != from) {
                seqs.put(r.id(), last); // log lines only: account for them without a frame
            }
        }
        long watermark = cursor.watermark();
        // Runs without a frame may leave the cursor now; a run with a frame leaves it only once that frame is sent.
        prune(seqs, candidates, watermark, changedSeq.keySet());

        Map<String, RunStats> stats = changed.isEmpty() ? Map.of() : queries.stats(changed);
        List<Change> out = new ArrayList<>(changed.size());
        Set<String> pending = new HashSet<>(changedSeq.keySet());
        for (Run r : changed) {
            long seq = changedSeq.get(r.id());
            seqs.put(r.id(), seq);
            pending.remove(r.id());
            // Frames go out in creation order, so raising the watermark to this run's creation never passes a
            // new run whose frame is still to come.
            watermark = Math.max(watermark, r.createdAt().toEpochMilli());
            prune(seqs, candidates, watermark, pending);
            out.add(new Change(r, stats.get(r.id()), seq, new Cursor(watermark, seqs)));
        }
        return new Changes(out, new Cursor(watermark, seqs), false);
    }

    /**
     * A cheap fingerprint of what could make a tenant's runs change: its active runs and its newest run. A watcher
     * compares it between looks instead of reading every run's events.
     */
    public List<String> activeRunIds(String tenantId) {
        List<String> ids = new ArrayList<>();
        for (Run r : queries.activeRuns()) if (r.tenantId().equals(tenantId)) ids.add(r.id());
        return ids;
    }

    /** The tenant's newest run ID, or null. */
    public String newestRunId(String tenantId) {
        Page<Run> newest = queries.runs(RunFilter.tenant(tenantId), null, 1);
        return newest.items().isEmpty() ? null : newest.items().get(0).id();
    }

    /** The run event feed, for watchers that want to be woken by a run's events. */
    public RunEventFeed events() {
        return queries.events();
    }

    /** Drops terminal runs created before the grace window (their rows cannot change), except {@code keep}. */
    private static void prune(SortedMap<String, Long> seqs, Map<String, Run> runs, long watermark, Set<String> keep) {
        long horizon = watermark - GRACE.toMillis();
        seqs.keySet().removeIf(id -> {
            if (keep.contains(id)) return false;
            Run r = runs.get(id);
            return r == null || (r.state().isTerminal() && r.createdAt().toEpochMilli() < horizon);
        });
    }

    private List<Run> recentAndActive(String tenantId, long watermark) {
        Map<String, Run> out = new LinkedHashMap<>();
        for (Run r : queries.activeRuns()) if (r.tenantId().equals(tenantId)) out.put(r.id(), r);
        Instant from = Instant.ofEpochMilli(watermark - GRACE.toMillis());
        RunFilter recent = new RunFilter(Set.of(tenantId), null, null, null, from, null, null, null);
        Page<Run> page = queries.runs(recent, null, MAX_TRACKED + 1);
        for (Run r : page.items()) out.putIfAbsent(r.id(), r);
        return new ArrayList<>(out.values());
    }

    /** The run's last event sequence number (0 when none), by exponential then binary search over {@code after}. */
    private long lastSeq(String runId) {
        RunEventFeed log = events();
        if (log.after(runId, 0, 1).isEmpty()) return 0;
        long lo = 1; // an event with seq > lo - 1 exists
        long hi = 1;
        while (!log.after(runId, hi, 1).isEmpty()) {
            lo = hi + 1;
            hi *= 2;
        }
        // the last seq is in [lo, hi]: after(hi) is empty, after(lo - 1) is not
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (log.after(runId, mid, 1).isEmpty()) hi = mid; else lo = mid + 1;
        }
        return lo;
    }
}
