package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.runs.DeltaStore;
import io.verdict.scheduler.runs.DeltaSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

public final class InMemoryDeltaStore implements DeltaStore {
    private final Map<String, ConcurrentSkipListMap<String, DeltaSummary>> byRun = new ConcurrentHashMap<>();

    @Override
    public boolean record(DeltaSummary delta) {
        return byRun.computeIfAbsent(delta.runId(), r -> new ConcurrentSkipListMap<>())
                .putIfAbsent(delta.imageDigest(), delta) == null;
    }

    @Override
    public Optional<DeltaSummary> find(String runId, String imageDigest) {
        var m = byRun.get(runId);
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(imageDigest));
    }

    @Override
    public List<DeltaSummary> recordAll(List<DeltaSummary> deltas) {
        List<DeltaSummary> out = new ArrayList<>();
        for (DeltaSummary d : deltas) {
            if (byRun.computeIfAbsent(d.runId(), r -> new ConcurrentSkipListMap<>())
                    .putIfAbsent(d.imageDigest(), d) == null) out.add(d);
        }
        return out;
    }

    @Override
    public java.util.Map<String, DeltaSummary> findAll(String runId, java.util.Collection<String> digests) {
        var m = byRun.get(runId);
        java.util.Map<String, DeltaSummary> out = new java.util.LinkedHashMap<>();
        if (m == null) return out;
        for (String d : digests) {
            DeltaSummary x = m.get(d);
            if (x != null) out.put(d, x);
        }
        return out;
    }

    @Override
    public List<DeltaSummary> forRun(String runId) {
        var m = byRun.get(runId);
        return m == null ? List.of() : new ArrayList<>(m.values());
    }
}
