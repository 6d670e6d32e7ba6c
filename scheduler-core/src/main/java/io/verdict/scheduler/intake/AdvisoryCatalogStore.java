package io.verdict.scheduler.intake;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Durable advisory catalog: which purls a vulnerability ID concerns, per tenant, learned from advisory/VEX events
 * that named both. Shared by every instance (it lives in the store), so a preview or an event naming only
 * vulnerability IDs resolves the same everywhere and after restarts. Bounds are kept by {@link AdvisoryCatalog}.
 */
public interface AdvisoryCatalogStore {
    /** Adds the purls to the ID's set (set union, atomic per ID), creating the entry when absent. */
    void addPurls(String tenantId, String vulnerabilityId, Set<String> purls);

    /** The purls of each known ID among {@code vulnerabilityIds}; unknown IDs are absent from the map. */
    Map<String, Set<String>> find(String tenantId, Collection<String> vulnerabilityIds);

    /** How many vulnerability IDs the tenant's catalog holds. */
    long countIds(String tenantId);
}
