package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.usecases.TenantRunChanges;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Wakes a tenant's stream subscribers when one of its runs may have changed: it follows the event feed of each
 * active run (live, across instances where the feed is distributed) and, twice a second, compares the tenant's
 * active runs and newest run with the last look (new runs have no feed to follow yet). It carries no data; the
 * subscribers read their own changes from their cursors.
 */
final class TenantWatch {
    private final TenantRunChanges feed;
    private final String tenant;
    private final Set<TenantStream> streams = new CopyOnWriteArraySet<>();
    private final Map<String, AutoCloseable> followed = new HashMap<>();
    private String newest;
    private boolean closed;

    TenantWatch(TenantRunChanges feed, String tenant) {
        this.feed = feed;
        this.tenant = tenant;
    }

    void add(TenantStream s) {
        streams.add(s);
    }

    /** True when the last subscriber left. */
    boolean remove(TenantStream s) {
        streams.remove(s);
        return streams.isEmpty();
    }

    /** Called by the watch clock only. */
    synchronized void look() {
        if (closed) return;
        List<String> active = feed.activeRunIds(tenant);
        String newestNow = feed.newestRunId(tenant);
        boolean changed = !Objects.equals(newest, newestNow);
        newest = newestNow;
        Set<String> keep = new HashSet<>(active);
        for (var it = followed.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!keep.contains(e.getKey())) {
                quietly(e.getValue());
                it.remove();
                changed = true; // it ended: its terminal row may still be unread
            }
        }
        for (String id : active) {
            if (followed.containsKey(id)) continue;
            followed.put(id, feed.events().subscribe(id, r -> wakeAll()));
            changed = true;
        }
        if (changed) wakeAll();
    }

    private void wakeAll() {
        for (TenantStream s : streams) s.wake();
    }

    synchronized void close() {
        closed = true;
        followed.values().forEach(TenantWatch::quietly);
        followed.clear();
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Unsubscribing is best effort; the feed drops listeners of closed streams too.
        }
    }
}
