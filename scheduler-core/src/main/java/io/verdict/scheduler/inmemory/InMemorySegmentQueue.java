package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Queue in memory, judged by the injected clock. One monitor guards everything: simple, and claims are far
 * cheaper than the scanner calls they feed. Claims share fairly: round-robin across tenants, then across the
 * runs of a tenant, oldest first within a run.
 */
public final class InMemorySegmentQueue implements SegmentQueue {
    private record Waiting(SegmentRef ref, Instant availableAt, long seq, int deliveries) {}

    private record Held(Lease lease) {}

    private static final Comparator<Waiting> ORDER =
            Comparator.comparing(Waiting::availableAt).thenComparingLong(Waiting::seq);

    private final Clock clock;
    private final String name;
    private final TreeSet<Waiting> waiting = new TreeSet<>(ORDER);
    private final Map<String, Waiting> waitingByKey = new HashMap<>();
    private final Map<String, Held> leased = new HashMap<>();
    private final List<DeadLetter> dead = new ArrayList<>();
    private long seq;
    private long fencing;
    private String lastTenant;
    private final Map<String, String> lastRunOfTenant = new HashMap<>();

    public InMemorySegmentQueue(Clock clock) {
        this(clock, "runner");
    }

    public InMemorySegmentQueue(Clock clock, String name) {
        this.clock = clock;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void enqueue(SegmentRef ref, Instant availableAt) {
        if (waitingByKey.containsKey(ref.key()) || leased.containsKey(ref.key())) return;
        Waiting w = new Waiting(ref, availableAt, seq++, 0);
        waiting.add(w);
        waitingByKey.put(ref.key(), w);
    }

    @Override
    public synchronized Optional<Lease> claim(String owner, Duration leaseTime) {
        reclaimExpired();
        Instant now = clock.instant();
        Waiting first = pickFairly(now);
        if (first == null) return Optional.empty();
        waiting.remove(first);
        waitingByKey.remove(first.ref().key());
        lastTenant = first.ref().tenantId();
        lastRunOfTenant.put(lastTenant, first.ref().runId());
        Lease lease = new Lease(first.ref(), owner, ++fencing, now.plus(leaseTime), first.deliveries() + 1,
                Long.toString(first.seq()));
        leased.put(first.ref().key(), new Held(lease));
        return Optional.of(lease);
    }

    /**
     * Fair share: the next tenant after the one served last (in tenant order, wrapping), and within it the next
     * run after the one it was served last; within a run the oldest ready message (so a run's KEV-first segment
     * order holds). A big or slow run therefore never starves another tenant's or another run's segments.
     */
    private Waiting pickFairly(Instant now) {
        TreeMap<String, TreeMap<String, Waiting>> ready = new TreeMap<>();
        for (Waiting w : waiting) {
            if (w.availableAt().isAfter(now)) break; // ordered by availableAt: the rest is not ready
            ready.computeIfAbsent(w.ref().tenantId(), t -> new TreeMap<>()).putIfAbsent(w.ref().runId(), w);
        }
        if (ready.isEmpty()) return null;
        Map.Entry<String, TreeMap<String, Waiting>> tenant = lastTenant == null ? null : ready.higherEntry(lastTenant);
        if (tenant == null) tenant = ready.firstEntry();
        String lastRun = lastRunOfTenant.get(tenant.getKey());
        Map.Entry<String, Waiting> run = lastRun == null ? null : tenant.getValue().higherEntry(lastRun);
        if (run == null) run = tenant.getValue().firstEntry();
        return run.getValue();
    }

    private boolean holds(Lease lease) {
        Held h = leased.get(lease.ref().key());
        return h != null && h.lease().fencingToken() == lease.fencingToken();
    }

    @Override
    public synchronized Lease renew(Lease lease, Duration leaseTime) {
        if (!holds(lease) || leased.get(lease.ref().key()).lease().expiresAt().isBefore(clock.instant())) {
            long current = leased.containsKey(lease.ref().key())
                    ? leased.get(lease.ref().key()).lease().fencingToken() : lease.fencingToken() + 1;
            throw new StaleLeaseException(lease.ref().key(), lease.fencingToken(), current);
        }
        Lease renewed = new Lease(lease.ref(), lease.owner(), lease.fencingToken(), clock.instant().plus(leaseTime),
                lease.deliveries(), lease.receipt());
        leased.put(lease.ref().key(), new Held(renewed));
        return renewed;
    }

    @Override
    public synchronized boolean ack(Lease lease) {
        if (!holds(lease)) return false;
        leased.remove(lease.ref().key());
        return true;
    }

    @Override
    public synchronized boolean retryAt(Lease lease, Instant availableAt) {
        if (!holds(lease)) return false;
        leased.remove(lease.ref().key());
        Waiting w = new Waiting(lease.ref(), availableAt, seq++, lease.deliveries());
        waiting.add(w);
        waitingByKey.put(lease.ref().key(), w);
        return true;
    }

    @Override
    public synchronized boolean release(Lease lease, Instant availableAt) {
        if (!holds(lease)) return false;
        leased.remove(lease.ref().key());
        Waiting w = new Waiting(lease.ref(), availableAt, seq++, Math.max(0, lease.deliveries() - 1));
        waiting.add(w);
        waitingByKey.put(lease.ref().key(), w);
        return true;
    }

    @Override
    public synchronized boolean deadLetter(Lease lease, String reason) {
        if (!holds(lease)) return false;
        leased.remove(lease.ref().key());
        dead.add(new DeadLetter(lease.ref(), reason, lease.deliveries(), clock.instant()));
        return true;
    }

    @Override
    public synchronized int reclaimExpired() {
        Instant now = clock.instant();
        int n = 0;
        for (Iterator<Held> it = leased.values().iterator(); it.hasNext(); ) {
            Lease l = it.next().lease();
            if (!l.expiresAt().isAfter(now)) {
                it.remove();
                Waiting w = new Waiting(l.ref(), now, seq++, l.deliveries());
                waiting.add(w);
                waitingByKey.put(l.ref().key(), w);
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized int purgeRun(String runId) {
        int n = 0;
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.ref().runId().equals(runId)) {
                it.remove();
                waitingByKey.remove(w.ref().key());
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized List<QueueDepth> depth() {
        Instant now = clock.instant();
        Map<String, long[]> byTenant = new TreeMap<>();
        for (Waiting w : waiting) {
            long[] c = byTenant.computeIfAbsent(w.ref().tenantId(), t -> new long[3]);
            if (w.availableAt().isAfter(now)) c[1]++; else c[0]++;
        }
        for (Held h : leased.values()) byTenant.computeIfAbsent(h.lease().ref().tenantId(), t -> new long[3])[2]++;
        List<QueueDepth> out = new ArrayList<>();
        byTenant.forEach((t, c) -> out.add(new QueueDepth(name, t, c[0], c[1], c[2])));
        return out;
    }

    @Override
    public synchronized List<DeadLetter> deadLetters(String tenantId, int limit) {
        List<DeadLetter> out = new ArrayList<>();
        for (int i = dead.size() - 1; i >= 0 && out.size() < limit; i--) {
            if (dead.get(i).ref().tenantId().equals(tenantId)) out.add(dead.get(i));
        }
        return out;
    }
}
