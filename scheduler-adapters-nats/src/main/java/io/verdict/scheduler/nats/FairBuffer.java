package io.verdict.scheduler.nats;

import io.nats.client.Message;
import io.verdict.scheduler.queue.SegmentRef;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The deliveries one queue instance fetched in a batch and has not handed out yet, picked like the other adapters
 * pick: the next tenant after the one served last (tenant order, wrapping), within it the next run after the one it
 * was served last, within a run the oldest message (stream order). Fairness therefore holds within what one fetch
 * sees (up to the batch size), not across the whole backlog: see the module README.
 *
 * <p>Not thread-safe: the queue uses it under its fetch lock.
 */
final class FairBuffer {
    /** One fetched delivery, its payload parsed once. */
    record Delivery(Message msg, SegmentRef ref, long streamSeq, long fetchedNanos) {}

    private final TreeMap<String, TreeMap<String, PriorityQueue<Delivery>>> byTenant = new TreeMap<>();
    private final Map<String, String> lastRunOfTenant = new HashMap<>();
    private String lastTenant;
    private int size;

    void add(Delivery d) {
        byTenant.computeIfAbsent(d.ref().tenantId(), t -> new TreeMap<>())
                .computeIfAbsent(d.ref().runId(), r -> new PriorityQueue<>(Comparator.comparingLong(Delivery::streamSeq)))
                .add(d);
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The next delivery in fair order, or null when the buffer is empty. */
    Delivery next() {
        if (size == 0) return null;
        Map.Entry<String, TreeMap<String, PriorityQueue<Delivery>>> tenant =
                lastTenant == null ? null : byTenant.higherEntry(lastTenant);
        if (tenant == null) tenant = byTenant.firstEntry();
        String lastRun = lastRunOfTenant.get(tenant.getKey());
        Map.Entry<String, PriorityQueue<Delivery>> run = lastRun == null ? null : tenant.getValue().higherEntry(lastRun);
        if (run == null) run = tenant.getValue().firstEntry();
        Delivery d = run.getValue().poll();
        if (run.getValue().isEmpty()) tenant.getValue().remove(run.getKey());
        if (tenant.getValue().isEmpty()) byTenant.remove(tenant.getKey());
        lastTenant = tenant.getKey();
        lastRunOfTenant.put(tenant.getKey(), run.getKey());
        size--;
        return d;
    }

    /** Removes and returns what was fetched before {@code nanos} (System.nanoTime), to give back to the server. */
    List<Delivery> removeFetchedBefore(long nanos) {
        List<Delivery> old = new ArrayList<>();
        for (Iterator<TreeMap<String, PriorityQueue<Delivery>>> t = byTenant.values().iterator(); t.hasNext(); ) {
            TreeMap<String, PriorityQueue<Delivery>> runs = t.next();
            for (Iterator<PriorityQueue<Delivery>> r = runs.values().iterator(); r.hasNext(); ) {
                PriorityQueue<Delivery> q = r.next();
                q.removeIf(d -> d.fetchedNanos() - nanos < 0 && old.add(d));
                if (q.isEmpty()) r.remove();
            }
            if (runs.isEmpty()) t.remove();
        }
        size -= old.size();
        return old;
    }

    /** Empties the buffer, returning what it held. */
    List<Delivery> drain() {
        List<Delivery> all = new ArrayList<>(size);
        byTenant.values().forEach(runs -> runs.values().forEach(all::addAll));
        byTenant.clear();
        size = 0;
        return all;
    }
}
