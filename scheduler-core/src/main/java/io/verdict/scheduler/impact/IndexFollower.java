package io.verdict.scheduler.impact;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps this instance's {@link ImpactIndex} current with images indexed or removed through any instance: loads the
 * store once, then applies the store's change log ({@link ImageStore#changesAfter}) each time {@link #follow()} runs.
 *
 * <p>Bound: a change recorded by another instance is applied at the next {@link #follow()} (the scheduler calls it
 * every {@code indexFollowPeriod}, 2 s by default). Each poll re-reads the last {@code overlap} (10 s by default) of
 * the log, because a change stamped at T can become visible a little after a change stamped later by another writer;
 * a write that takes longer than the overlap to become visible is picked up only at the next restart. Re-reading is
 * harmless: per image, only a change newer than the last one applied is applied, so order and idempotence hold.
 * A store whose changes become visible in (at, seq) order ({@link ImageStore#changesVisibleInOrder}, the JDBC
 * store) is read from right after the last change read, after the first poll: the overlap was re-read every poll
 * — and while no new change arrived the window stayed put — so after a bulk index of 100,000 images every poll
 * re-read and parsed the tens of thousands indexed in its last 10 s, for as long as the next run took.
 */
public final class IndexFollower {
    public static final Duration DEFAULT_OVERLAP = Duration.ofSeconds(10);
    private static final int PAGE = 1000;

    private final ImageStore store;
    private final ImpactIndex index;
    private final Clock clock;
    private final Duration overlap;
    /** Per image key, the last change applied (entries older than the overlap window are forgotten). */
    private final Map<String, ImageChange> applied = new HashMap<>();
    private Instant cursor;
    /** For a store with {@link ImageStore#changesVisibleInOrder}: the position after the last change read. */
    private Instant lastAt;
    private long lastSeq = -1;
    private boolean pendingLoad;

    public IndexFollower(ImageStore store, ImpactIndex index, Clock clock, Duration overlap) {
        this.store = store;
        this.index = index;
        this.clock = clock;
        this.overlap = overlap;
    }

    /** Rebuilds the index from the store; changes recorded while loading are applied by the next {@link #follow()}. */
    public synchronized void load() {
        cursor = clock.instant();
        lastAt = null; // the next poll re-reads the overlap: changes recorded while loading
        index.loadAll(store.loadAll(), null);
    }

    /**
     * As {@link #load()}, in two steps: this closes the index's gate ({@link ImpactIndex#beginLoad}) so every read
     * and write of it waits; {@link #startBackgroundLoad()} then loads on a daemon thread (a service can listen
     * first and load after, without its start competing with the load for the CPU). A failed load makes the
     * waiting calls fail with its cause instead of answering from an empty index.
     */
    public synchronized void prepareBackgroundLoad() {
        cursor = clock.instant();
        lastAt = null;
        index.beginLoad();
        pendingLoad = true;
    }

    /** Starts the load {@link #prepareBackgroundLoad() prepared}; does nothing when none is pending (or it started). */
    public synchronized void startBackgroundLoad() {
        if (!pendingLoad) return;
        pendingLoad = false;
        Thread loader = new Thread(() -> {
            try {
                index.loadAll(store.loadAll(), null);
            } catch (Throwable e) {
                index.failLoad(e);
            }
        }, "impact-index-load");
        loader.setDaemon(true);
        loader.start();
    }

    /** Applies changes recorded since the last poll (minus the overlap); returns how many changed the index. */
    public synchronized int follow() {
        if (cursor == null) cursor = clock.instant();
        boolean exact = lastAt != null;
        Instant from = exact ? lastAt : cursor.minus(overlap);
        Instant at = from;
        long seq = exact ? lastSeq : -1;
        int changed = 0;
        Instant newest = cursor;
        while (true) {
            List<ImageChange> page = store.changesAfter(at, seq, PAGE);
            for (ImageChange c : page) {
                String key = c.tenantId() + '\u0000' + c.digest();
                ImageChange last = applied.get(key);
                if (last == null || c.isAfter(last)) {
                    if (!alreadyCurrent(c)) {
                        if (c.removed()) index.remove(c.tenantId(), c.digest()); else index.upsert(c.image());
                        changed++;
                    }
                    applied.put(key, c);
                }
                if (c.at().isAfter(newest)) newest = c.at();
                at = c.at();
                seq = c.seq();
            }
            if (page.size() < PAGE) break;
        }
        cursor = newest;
        if (store.changesVisibleInOrder()) {
            lastAt = at; // the last change read, or where this poll started when it read none
            lastSeq = seq;
        }
        applied.values().removeIf(c -> c.at().isBefore(from));
        return changed;
    }

    /** A change whose result the index already shows (loaded, or applied locally by this instance) needs no work. */
    private boolean alreadyCurrent(ImageChange c) {
        var have = index.image(c.tenantId(), c.digest());
        return c.removed() ? have.isEmpty() : have.isPresent() && have.get().equals(c.image());
    }
}
