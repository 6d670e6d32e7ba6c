package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Segments per run in sorted maps; version and fencing checks as in the durable adapters. */
public final class InMemorySegmentStore implements SegmentStore {
    private final Map<String, ConcurrentSkipListMap<Integer, Segment>> byRun = new ConcurrentHashMap<>();

    @Override
    public void insertAll(List<Segment> segments) {
        for (Segment s : segments) {
            Segment prev = byRun.computeIfAbsent(s.runId(), r -> new ConcurrentSkipListMap<>()).putIfAbsent(s.index(), s);
            if (prev != null) throw new ConcurrentUpdateException("segment " + s.key() + " exists");
        }
    }

    @Override
    public Optional<Segment> find(String runId, int index) {
        var m = byRun.get(runId);
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(index));
    }

    @Override
    public List<Segment> forRun(String runId) {
        var m = byRun.get(runId);
        if (m == null) return List.of();
        List<Segment> out = new ArrayList<>(m.values());
        out.sort(Comparator.comparingInt(Segment::index));
        return out;
    }

    @Override
    public Segment update(Segment updated) {
        var m = byRun.get(updated.runId());
        if (m == null) throw new ConcurrentUpdateException("segment " + updated.key() + " missing");
        RuntimeException[] failure = new RuntimeException[1];
        m.compute(updated.index(), (i, stored) -> {
            if (stored == null) {
                failure[0] = new ConcurrentUpdateException("segment " + updated.key() + " missing");
                return null;
            }
            if (updated.fencingToken() < stored.fencingToken()) {
                failure[0] = new StaleLeaseException(updated.key(), updated.fencingToken(), stored.fencingToken());
                return stored;
            }
            if (stored.version() != updated.version() - 1) {
                failure[0] = new ConcurrentUpdateException("segment " + updated.key());
                return stored;
            }
            return updated;
        });
        if (failure[0] != null) throw failure[0];
        return updated;
    }

    @Override
    public long maxFencingToken() {
        long max = 0;
        for (var m : byRun.values()) for (Segment s : m.values()) max = Math.max(max, s.fencingToken());
        return max;
    }
}
