package io.verdict.scheduler.runs;

import io.verdict.scheduler.errors.ErrorCode;

import java.time.Instant;
import java.util.Set;

/**
 * Filters of a run listing. Null or empty means "any". Listings are ordered newest first (createdAt desc, id
 * desc) and paginated with an opaque cursor so a page never needs a count over history.
 */
public record RunFilter(
        Set<String> tenantIds,
        Set<Trigger> triggers,
        Set<RunState> states,
        String scheduleId,
        Instant from,
        Instant to,
        ErrorCode errorCode,
        String policyRevision) {

    public RunFilter {
        tenantIds = tenantIds == null ? Set.of() : Set.copyOf(tenantIds);
        triggers = triggers == null ? Set.of() : Set.copyOf(triggers);
        states = states == null ? Set.of() : Set.copyOf(states);
    }

    public static RunFilter tenant(String tenantId) {
        return new RunFilter(Set.of(tenantId), null, null, null, null, null, null, null);
    }

    public boolean matches(Run r) {
        if (!tenantIds.isEmpty() && !tenantIds.contains(r.tenantId())) return false;
        if (!triggers.isEmpty() && !triggers.contains(r.trigger())) return false;
        if (!states.isEmpty() && !states.contains(r.state())) return false;
        if (scheduleId != null && !scheduleId.equals(r.scheduleId())) return false;
        if (from != null && r.createdAt().isBefore(from)) return false;
        if (to != null && !r.createdAt().isBefore(to)) return false;
        if (errorCode != null && (r.error() == null || r.error().code() != errorCode)) return false;
        if (policyRevision != null && (r.reason() == null || !policyRevision.equals(r.reason().policyRevision()))) {
            return false;
        }
        return true;
    }
}
