package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.progress.Backlog;
import io.verdict.scheduler.progress.ProgressChange;
import io.verdict.scheduler.progress.ProgressStore;
import io.verdict.scheduler.progress.RunCounters;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SegmentState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Counters per run in memory; each run's entry is updated under its own lock. */
public final class InMemoryProgressStore implements ProgressStore {
    private static final class Entry {
        final String runId, tenantId, scheduleId;
        final Mode mode;
        RunState state;
        final EnumMap<SegmentState, Integer> segments = new EnumMap<>(SegmentState.class);
        int pendingSegments, pendingTargets, cancelledTargets;
        SegmentOutcome done = SegmentOutcome.NONE;
        final Map<Integer, SegmentOutcome> inFlight = new HashMap<>();
        final Map<Integer, Long> tokens = new HashMap<>();

        Entry(RunCounters c) {
            runId = c.runId();
            tenantId = c.tenantId();
            scheduleId = c.scheduleId();
            mode = c.mode();
            state = c.state();
            segments.putAll(c.segments());
            pendingSegments = c.pendingSegments();
            pendingTargets = c.pendingTargets();
            cancelledTargets = c.cancelledTargets();
            done = c.done();
        }

        RunCounters view() {
            SegmentOutcome flying = SegmentOutcome.NONE;
            for (SegmentOutcome o : inFlight.values()) flying = flying.plus(o);
            return new RunCounters(runId, tenantId, scheduleId, mode, state, segments, pendingSegments,
                    pendingTargets, cancelledTargets, done, flying);
        }
    }

    private final Map<String, Entry> runs = new ConcurrentHashMap<>();

    @Override
    public void planned(Run run, List<Segment> segments) {
        runs.putIfAbsent(run.id(), new Entry(RunCounters.derive(run, segments)));
    }

    @Override
    public void apply(ProgressChange c) {
        Entry e = runs.get(c.runId());
        if (e == null) return; // a run planned before the read model existed: rebuilt on resume
        synchronized (e) {
            if (c.from() != c.to()) {
                e.segments.merge(c.from(), -1, Integer::sum);
                e.segments.merge(c.to(), 1, Integer::sum);
            }
            e.pendingSegments += c.pendingSegments();
            e.pendingTargets += c.pendingTargets();
            e.cancelledTargets += c.cancelledTargets();
            e.done = subtract(e.done.plus(c.add()), c.remove());
            e.inFlight.remove(c.index());
            e.tokens.put(c.index(), c.attemptToken());
        }
    }

    /** {@code a - b}, for a dead segment leaving the done counters when it is retried. */
    static SegmentOutcome subtract(SegmentOutcome a, SegmentOutcome b) {
        if (b.equals(SegmentOutcome.NONE)) return a;
        var s = a.severity();
        var r = b.severity();
        return new SegmentOutcome(Math.max(0, a.completed() - b.completed()), Math.max(0, a.failed() - b.failed()),
                Math.max(0, a.deltas() - b.deltas()), new io.verdict.scheduler.runs.SeverityCounts(
                Math.max(0, s.newCriticals() - r.newCriticals()), Math.max(0, s.newHigh() - r.newHigh()),
                Math.max(0, s.newMedium() - r.newMedium()), Math.max(0, s.newLow() - r.newLow()),
                Math.max(0, s.resolved() - r.resolved()), Math.max(0, s.quieted() - r.quieted()),
                Math.max(0, s.kevHits() - r.kevHits())));
    }

    @Override
    public Optional<RunCounters> reportInFlight(String runId, int index, long fencingToken, SegmentOutcome soFar) {
        Entry e = runs.get(runId);
        if (e == null) return Optional.empty();
        synchronized (e) {
            if (fencingToken < e.tokens.getOrDefault(index, Long.MIN_VALUE)) return Optional.empty();
            e.tokens.put(index, fencingToken);
            e.inFlight.put(index, Objects.requireNonNull(soFar));
            return Optional.of(e.view());
        }
    }

    @Override
    public void runState(String runId, RunState state) {
        Entry e = runs.get(runId);
        if (e == null) return;
        synchronized (e) {
            e.state = state;
        }
    }

    @Override
    public Optional<RunCounters> find(String runId) {
        Entry e = runs.get(runId);
        if (e == null) return Optional.empty();
        synchronized (e) {
            return Optional.of(e.view());
        }
    }

    @Override
    public Map<String, RunCounters> findAll(Collection<String> runIds) {
        Map<String, RunCounters> out = new LinkedHashMap<>();
        for (String id : runIds) find(id).ifPresent(c -> out.put(id, c));
        return out;
    }

    @Override
    public List<Backlog> backlog() {
        Map<List<String>, long[]> groups = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
        for (Entry e : runs.values()) {
            synchronized (e) {
                if (e.state == null || e.state.isTerminal()) continue;
                long[] g = groups.computeIfAbsent(List.of(e.tenantId, e.scheduleId == null ? "" : e.scheduleId,
                        e.mode.name()), k -> new long[5]);
                switch (e.state) {
                    case PLANNING -> g[0]++;
                    case QUEUED -> g[1]++;
                    default -> g[2]++;
                }
                g[3] += Math.max(0, e.pendingSegments);
                g[4] += Math.max(0, e.pendingTargets);
            }
        }
        List<Backlog> out = new ArrayList<>();
        groups.forEach((k, g) -> out.add(new Backlog(k.get(0), k.get(1).isEmpty() ? null : k.get(1),
                Mode.valueOf(k.get(2)), (int) g[0], (int) g[1], (int) g[2], g[3], g[4])));
        return out;
    }

    @Override
    public void rebuild(Run run, List<Segment> segments) {
        Entry fresh = new Entry(RunCounters.derive(run, segments));
        Entry old = runs.put(run.id(), fresh);
        if (old != null) {
            synchronized (old) {
                // Tokens survive a rebuild: a holder that lost its segment stays refused.
                synchronized (fresh) {
                    fresh.tokens.putAll(old.tokens);
                }
            }
        }
    }
}
