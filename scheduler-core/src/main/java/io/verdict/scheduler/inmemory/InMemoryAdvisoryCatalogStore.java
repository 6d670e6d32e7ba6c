package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.intake.AdvisoryCatalogStore;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The advisory catalog in process memory (tests, embedding without a store). */
public final class InMemoryAdvisoryCatalogStore implements AdvisoryCatalogStore {
    private final Map<String, Map<String, Set<String>>> byTenant = new ConcurrentHashMap<>();

    @Override
    public void addPurls(String tenantId, String vulnerabilityId, Set<String> purls) {
        byTenant.computeIfAbsent(tenantId, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(vulnerabilityId, k -> ConcurrentHashMap.newKeySet()).addAll(purls);
    }

    @Override
    public Map<String, Set<String>> find(String tenantId, Collection<String> vulnerabilityIds) {
        Map<String, Set<String>> ids = byTenant.getOrDefault(tenantId, Map.of());
        Map<String, Set<String>> out = new TreeMap<>();
        for (String id : vulnerabilityIds) {
            Set<String> p = ids.get(id);
            if (p != null) out.put(id, Set.copyOf(p));
        }
        return out;
    }

    @Override
    public long countIds(String tenantId) {
        return byTenant.getOrDefault(tenantId, Map.of()).size();
    }
}
