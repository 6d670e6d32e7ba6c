package io.verdict.scheduler.intake;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Vulnerability ID → purls per tenant, over {@link AdvisoryCatalogStore}, with its bounds: at most
 * {@link #maxIdsPerTenant()} IDs per tenant (an event that would add more is rejected, {@link Learned.Full}) and at
 * most {@link #maxPurlsPerId()} purls per ID (more are dropped: an ID that concerns more packages than that is a
 * sweep, not a delta). The ID bound is checked before adding, so concurrent writers may overshoot it by at most
 * the IDs of the events in flight.
 */
public final class AdvisoryCatalog {
    public static final int DEFAULT_MAX_IDS_PER_TENANT = 100_000;
    public static final int DEFAULT_MAX_PURLS_PER_ID = 10_000;

    private final AdvisoryCatalogStore store;
    private final int maxIdsPerTenant;
    private final int maxPurlsPerId;

    public AdvisoryCatalog(AdvisoryCatalogStore store, int maxIdsPerTenant, int maxPurlsPerId) {
        this.store = Objects.requireNonNull(store, "store");
        if (maxIdsPerTenant < 1 || maxPurlsPerId < 1) throw new IllegalArgumentException("catalog bounds must be >= 1");
        this.maxIdsPerTenant = maxIdsPerTenant;
        this.maxPurlsPerId = maxPurlsPerId;
    }

    public AdvisoryCatalog(AdvisoryCatalogStore store) {
        this(store, DEFAULT_MAX_IDS_PER_TENANT, DEFAULT_MAX_PURLS_PER_ID);
    }

    public int maxIdsPerTenant() { return maxIdsPerTenant; }

    public int maxPurlsPerId() { return maxPurlsPerId; }

    /** What learning did. */
    public sealed interface Learned {
        record Stored() implements Learned {}

        /** The tenant's catalog is at its bound; nothing was stored. */
        record Full(String tenantId, int maxIdsPerTenant) implements Learned {}
    }

    /** Records that the IDs concern the purls; a no-op when either is empty. */
    public Learned learn(String tenantId, Collection<String> vulnerabilityIds, Collection<String> purls) {
        if (vulnerabilityIds.isEmpty() || purls.isEmpty()) return new Learned.Stored();
        Map<String, Set<String>> known = store.find(tenantId, vulnerabilityIds);
        long fresh = vulnerabilityIds.stream().distinct().filter(id -> !known.containsKey(id)).count();
        if (fresh > 0 && store.countIds(tenantId) + fresh > maxIdsPerTenant) {
            return new Learned.Full(tenantId, maxIdsPerTenant);
        }
        Set<String> sorted = new TreeSet<>(purls);
        for (String id : new TreeSet<>(vulnerabilityIds)) {
            Set<String> have = known.getOrDefault(id, Set.of());
            Set<String> add = new LinkedHashSet<>();
            for (String p : sorted) {
                if (have.size() + add.size() >= maxPurlsPerId) break;
                if (!have.contains(p)) add.add(p);
            }
            if (!add.isEmpty() || !known.containsKey(id)) store.addPurls(tenantId, id, add);
        }
        return new Learned.Stored();
    }

    /** Purls of the known IDs, and the IDs the catalog does not know (sorted). */
    public Resolution resolve(String tenantId, Collection<String> vulnerabilityIds) {
        if (vulnerabilityIds.isEmpty()) return new Resolution(Set.of(), List.of());
        Map<String, Set<String>> known = store.find(tenantId, vulnerabilityIds);
        Set<String> purls = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (String id : new TreeSet<>(vulnerabilityIds)) {
            Set<String> p = known.get(id);
            if (p == null) unknown.add(id); else purls.addAll(p);
        }
        return new Resolution(Set.copyOf(purls), List.copyOf(unknown));
    }

    public record Resolution(Set<String> purls, List<String> unresolved) {}
}
