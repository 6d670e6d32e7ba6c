package io.verdict.scheduler.events.outbox;

import io.verdict.scheduler.events.EventEnvelope;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which envelopes a sink wants — what a schedule's {@code notify} asks for, per sink. Empty {@code kinds} or
 * {@code tenants} means all. {@code minSeverity} and {@code kevOnly} judge findings, so they apply to
 * {@code scheduler.rescan.delta} only: a delta passes {@code minSeverity} when it has a new finding at that severity
 * or above, and {@code kevOnly} when it has a KEV hit; run and report events always pass them.
 *
 * @param minSeverity one of critical, high, medium, low; null = any delta
 */
public record EventFilter(Set<String> kinds, Set<String> tenants, String minSeverity, boolean kevOnly) {
    public static final EventFilter ALL = new EventFilter(Set.of(), Set.of(), null, false);
    public static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low");
    public static final Set<String> KINDS = Set.of("scheduler.run.started", "scheduler.run.completed",
            "scheduler.run.failed", "scheduler.rescan.delta", "scheduler.report.ready");
    static final String DELTA = "scheduler.rescan.delta";

    public EventFilter {
        kinds = Set.copyOf(kinds);
        tenants = Set.copyOf(tenants);
        for (String k : kinds) {
            if (!KINDS.contains(k)) throw new IllegalArgumentException("unknown event kind '" + k + "' (one of " + sorted(KINDS) + ")");
        }
        if (minSeverity != null) {
            minSeverity = minSeverity.toLowerCase(Locale.ROOT);
            if (!SEVERITIES.contains(minSeverity)) {
                throw new IllegalArgumentException("minimum severity must be one of " + SEVERITIES + " (got '" + minSeverity + "')");
            }
        }
    }

    public boolean matches(EventEnvelope e) {
        if (!kinds.isEmpty() && !kinds.contains(e.kind())) return false;
        if (!tenants.isEmpty() && !tenants.contains(e.tenant())) return false;
        if (!DELTA.equals(e.kind())) return true;
        if (kevOnly && count(e, "kevHits") == 0) return false;
        if (minSeverity == null) return true;
        long atOrAbove = 0;
        String[] fields = {"newCriticals", "newHigh", "newMedium", "newLow"};
        for (int i = 0; i <= SEVERITIES.indexOf(minSeverity); i++) atOrAbove += count(e, fields[i]);
        return atOrAbove > 0;
    }

    private static long count(EventEnvelope e, String field) {
        Object v = e.payload() == null ? null : e.payload().get(field);
        if (v instanceof Number n) return n.longValue();
        if (v instanceof java.util.Collection<?> c) return c.size();
        return 0;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
