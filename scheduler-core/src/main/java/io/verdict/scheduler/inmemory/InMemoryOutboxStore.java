package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.OutboxCounts;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStatus;
import io.verdict.scheduler.events.outbox.OutboxStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Outbox in the heap, for tests and embedding. Bounded: beyond {@code deliveredKept} delivered entries the oldest
 * delivered ones are forgotten (pending and dead entries are kept until delivered or replayed), so a long-running
 * embedded scheduler does not grow with every run. A forgotten entry's idempotency key is forgotten too.
 */
public final class InMemoryOutboxStore implements OutboxStore {
    private final TreeMap<Long, OutboxEntry> entries = new TreeMap<>();
    private final Map<String, Long> byKey = new HashMap<>();
    private final TreeMap<Long, Long> deliveredOrder = new TreeMap<>(); // id -> id, oldest delivered first
    private final int deliveredKept;
    private long nextId = 1;

    public InMemoryOutboxStore() {
        this(10_000);
    }

    public InMemoryOutboxStore(int deliveredKept) {
        if (deliveredKept < 0) throw new IllegalArgumentException("deliveredKept must be >= 0");
        this.deliveredKept = deliveredKept;
    }

    @Override
    public synchronized OutboxEntry append(String runId, EventEnvelope envelope, Instant now) {
        Long existing = byKey.get(envelope.idempotencyKey());
        if (existing != null) return entries.get(existing);
        OutboxEntry e = new OutboxEntry(nextId++, runId, envelope, OutboxStatus.PENDING, 0, now, null);
        entries.put(e.id(), e);
        byKey.put(envelope.idempotencyKey(), e.id());
        return e;
    }

    @Override
    public synchronized List<OutboxEntry> appendAll(String runId, List<EventEnvelope> envelopes, Instant now) {
        List<OutboxEntry> out = new ArrayList<>(envelopes.size());
        for (EventEnvelope e : envelopes) out.add(append(runId, e, now));
        return out;
    }

    @Override
    public synchronized List<OutboxEntry> claim(Instant now, Duration lease, int limit) {
        List<OutboxEntry> out = new ArrayList<>();
        Set<String> seenRuns = new HashSet<>();
        int max = OutboxStore.bounded(limit);
        for (OutboxEntry e : entries.values()) {
            if (out.size() >= max) break;
            if (e.status() != OutboxStatus.PENDING || !seenRuns.add(e.runId())) continue;
            if (e.nextAttemptAt().isAfter(now)) continue;
            OutboxEntry leased = with(e, OutboxStatus.PENDING, e.attempts(), now.plus(lease), e.lastError());
            entries.put(e.id(), leased);
            out.add(leased);
        }
        return out;
    }

    @Override
    public synchronized List<OutboxEntry> claimInOrder(Instant now, Duration lease, int limit, int perRun) {
        List<OutboxEntry> out = new ArrayList<>();
        java.util.Map<String, Integer> taken = new java.util.HashMap<>();
        Set<String> closed = new HashSet<>(); // runs whose next pending entry was not handed out: nothing after it is
        int max = OutboxStore.bounded(limit);
        int per = Math.max(1, perRun);
        for (OutboxEntry e : entries.values()) {
            if (out.size() >= max) break;
            if (e.status() != OutboxStatus.PENDING || closed.contains(e.runId())) continue;
            int n = taken.getOrDefault(e.runId(), 0);
            if (n >= per || e.nextAttemptAt().isAfter(now)) {
                closed.add(e.runId());
                continue;
            }
            taken.put(e.runId(), n + 1);
            OutboxEntry leased = with(e, OutboxStatus.PENDING, e.attempts(), now.plus(lease), e.lastError());
            entries.put(e.id(), leased);
            out.add(leased);
        }
        return out;
    }

    @Override
    public synchronized void release(List<Long> ids, Instant at) {
        for (long id : ids) {
            OutboxEntry e = entries.get(id);
            if (e != null && e.status() == OutboxStatus.PENDING) {
                entries.put(id, with(e, OutboxStatus.PENDING, e.attempts(), at, e.lastError()));
            }
        }
    }

    @Override
    public synchronized void delivered(long id) {
        OutboxEntry e = entries.get(id);
        if (e == null || e.status() == OutboxStatus.DELIVERED) return;
        entries.put(id, with(e, OutboxStatus.DELIVERED, e.attempts(), e.nextAttemptAt(), e.lastError()));
        deliveredOrder.put(id, id);
        while (deliveredOrder.size() > deliveredKept) {
            long oldest = deliveredOrder.pollFirstEntry().getKey();
            OutboxEntry gone = entries.remove(oldest);
            if (gone != null) byKey.remove(gone.envelope().idempotencyKey());
        }
    }

    @Override
    public synchronized void failed(long id, String error, Instant retryAt) {
        OutboxEntry e = entries.get(id);
        if (e == null || e.status() != OutboxStatus.PENDING) return;
        entries.put(id, with(e, OutboxStatus.PENDING, e.attempts() + 1, retryAt, error));
    }

    @Override
    public synchronized void dead(long id, String error) {
        OutboxEntry e = entries.get(id);
        if (e == null || e.status() != OutboxStatus.PENDING) return;
        entries.put(id, with(e, OutboxStatus.DEAD, e.attempts() + 1, e.nextAttemptAt(), error));
    }

    @Override
    public synchronized List<OutboxEntry> after(String tenant, long afterId, int limit) {
        return page(afterId, limit, e -> e.envelope().tenant().equals(tenant));
    }

    @Override
    public synchronized List<OutboxEntry> deadLetters(String tenant, long afterId, int limit) {
        return page(afterId, limit, e -> e.status() == OutboxStatus.DEAD && e.envelope().tenant().equals(tenant));
    }

    @Override
    public synchronized boolean replay(String tenant, long id, Instant now) {
        OutboxEntry e = entries.get(id);
        if (e == null || e.status() != OutboxStatus.DEAD || !e.envelope().tenant().equals(tenant)) return false;
        entries.put(id, with(e, OutboxStatus.PENDING, 0, now, e.lastError()));
        return true;
    }

    @Override
    public synchronized OutboxCounts counts() {
        long pending = 0, retrying = 0, delivered = 0, dead = 0;
        for (OutboxEntry e : entries.values()) {
            switch (e.status()) {
                case PENDING -> {
                    pending++;
                    if (e.attempts() > 0) retrying++;
                }
                case DELIVERED -> delivered++;
                case DEAD -> dead++;
            }
        }
        return new OutboxCounts(pending, retrying, delivered, dead);
    }

    private List<OutboxEntry> page(long afterId, int limit, Predicate<OutboxEntry> filter) {
        List<OutboxEntry> out = new ArrayList<>();
        int max = OutboxStore.bounded(limit);
        for (OutboxEntry e : entries.tailMap(afterId, false).values()) {
            if (out.size() >= max) break;
            if (filter.test(e)) out.add(e);
        }
        return out;
    }

    private static OutboxEntry with(OutboxEntry e, OutboxStatus status, int attempts, Instant next, String error) {
        return new OutboxEntry(e.id(), e.runId(), e.envelope(), status, attempts, next, error);
    }
}
