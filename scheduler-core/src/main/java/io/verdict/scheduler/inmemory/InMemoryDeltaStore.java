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
    public List<DeltaSummary> forRun(String runId) {
        var m = byRun.get(runId);
        return m == null ? List.of() : new ArrayList<>(m.values());
    }
}
