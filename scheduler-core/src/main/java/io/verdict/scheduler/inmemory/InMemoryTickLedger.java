package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.schedules.TickDecision;
import io.verdict.scheduler.schedules.TickLedger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

public final class InMemoryTickLedger implements TickLedger {
    private final Map<String, ConcurrentSkipListMap<Instant, TickDecision>> decisions = new ConcurrentHashMap<>();
    private final Map<String, Instant> cursors = new ConcurrentHashMap<>();

    private static String key(String tenantId, String scheduleId) {
        return tenantId + "|" + scheduleId;
    }

    private ConcurrentSkipListMap<Instant, TickDecision> of(TickDecision d) {
        return decisions.computeIfAbsent(key(d.tenantId(), d.scheduleId()), k -> new ConcurrentSkipListMap<>());
    }

    @Override
    public boolean record(TickDecision decision) {
        return of(decision).putIfAbsent(decision.fireTime(), decision) == null;
    }

    @Override
    public boolean replace(TickDecision expected, TickDecision next) {
        if (!sameKey(expected, next)) throw new IllegalArgumentException("replace must keep the decision's key");
        return of(expected).replace(expected.fireTime(), expected, next);
    }

    @Override
    public boolean remove(TickDecision expected) {
        return of(expected).remove(expected.fireTime(), expected);
    }

    @Override
    public Optional<TickDecision> find(String tenantId, String scheduleId, Instant fireTime) {
        var m = decisions.get(key(tenantId, scheduleId));
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(fireTime));
    }

    @Override
    public List<TickDecision> list(String tenantId, String scheduleId, Instant before, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        var m = decisions.get(key(tenantId, scheduleId));
        if (m == null) return List.of();
        NavigableMap<Instant, TickDecision> view = before == null ? m.descendingMap()
                : m.headMap(before, false).descendingMap();
        List<TickDecision> out = new ArrayList<>(Math.min(limit, 64));
        for (TickDecision d : view.values()) {
            if (out.size() == limit) break;
            out.add(d);
        }
        return out;
    }

    @Override
    public Optional<Instant> lastFireTime(String tenantId, String scheduleId) {
        return Optional.ofNullable(cursors.get(key(tenantId, scheduleId)));
    }

    @Override
    public void advance(String tenantId, String scheduleId, Instant fireTime) {
        cursors.merge(key(tenantId, scheduleId), fireTime, (a, b) -> a.isAfter(b) ? a : b);
    }

    private static boolean sameKey(TickDecision a, TickDecision b) {
        return a.tenantId().equals(b.tenantId()) && a.scheduleId().equals(b.scheduleId())
                && a.fireTime().equals(b.fireTime());
    }
}
