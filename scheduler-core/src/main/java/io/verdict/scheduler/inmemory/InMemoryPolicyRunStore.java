package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.policy.PolicyRun;
import io.verdict.scheduler.policy.PolicyRunStore;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryPolicyRunStore implements PolicyRunStore {
    private final Map<String, PolicyRun> runs = new ConcurrentHashMap<>();

    @Override
    public boolean insert(PolicyRun run) {
        return runs.putIfAbsent(run.tenantId() + '\u0000' + run.policyRunId(), run) == null;
    }

    @Override
    public Optional<PolicyRun> find(String tenantId, String policyRunId) {
        return Optional.ofNullable(runs.get(tenantId + '\u0000' + policyRunId));
    }

    @Override
    public Optional<PolicyRun> lastPlanned(String tenantId, String policyId) {
        return runs.values().stream()
                .filter(r -> r.tenantId().equals(tenantId) && r.policyId().equals(policyId) && r.schedulerRunId() != null)
                .max(Comparator.comparing(PolicyRun::requestedAt).thenComparing(PolicyRun::policyRunId));
    }
}
