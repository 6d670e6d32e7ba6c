package io.verdict.scheduler.impact;

import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Inverted index purl → bitmap of image ordinals (RoaringBitmap), with a second bitmap per purl for the
 * components an image's entrypoint uses, and a bitmap per tenant so no query crosses tenants.
 *
 * <p>Ordinals are dense ints handed out per (tenant, digest) and recycled after removal, which keeps bitmaps
 * compact. Reads run concurrently; writes take an exclusive lock (SBOM updates are rare next to queries).
 */
public final class ImpactIndex {
    private final Clock clock;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Integer> ordinals = new HashMap<>();
    private final List<ImageRecord> images = new ArrayList<>();
    private final Deque<Integer> freeOrdinals = new ArrayDeque<>();
    private final Map<String, RoaringBitmap> inventory = new HashMap<>();
    private final Map<String, RoaringBitmap> usage = new HashMap<>();
    private final Map<String, RoaringBitmap> tenants = new HashMap<>();
    private volatile Instant builtAt;

    public ImpactIndex(Clock clock) {
        this.clock = clock;
        this.builtAt = clock.instant();
    }

    private static String key(String tenantId, String digest) {
        return tenantId + '\u0000' + digest;
    }

    /** Adds an image or replaces its previous SBOM. */
    public void upsert(ImageRecord image) {
        lock.writeLock().lock();
        try {
            Integer existing = ordinals.get(key(image.tenantId(), image.digest()));
            int ordinal;
            if (existing != null) {
                unlink(existing, images.get(existing));
                ordinal = existing;
                images.set(ordinal, image);
            } else {
                ordinal = freeOrdinals.isEmpty() ? images.size() : freeOrdinals.pop();
                if (ordinal == images.size()) images.add(image); else images.set(ordinal, image);
                ordinals.put(key(image.tenantId(), image.digest()), ordinal);
            }
            tenants.computeIfAbsent(image.tenantId(), t -> new RoaringBitmap()).add(ordinal);
            for (Component c : image.components()) {
                String purl = Purls.normalize(c.purl());
                inventory.computeIfAbsent(purl, p -> new RoaringBitmap()).add(ordinal);
                if (c.usedByEntrypoint()) usage.computeIfAbsent(purl, p -> new RoaringBitmap()).add(ordinal);
            }
            builtAt = clock.instant();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Bulk load (start-up from a snapshot) without moving the build stamp per image. */
    public void loadAll(Collection<ImageRecord> all, Instant stamp) {
        for (ImageRecord r : all) upsert(r);
        builtAt = stamp == null ? clock.instant() : stamp;
    }

    /** Removes an image; returns false when it was not indexed. */
    public boolean remove(String tenantId, String digest) {
        lock.writeLock().lock();
        try {
            Integer ordinal = ordinals.remove(key(tenantId, digest));
            if (ordinal == null) return false;
            unlink(ordinal, images.get(ordinal));
            images.set(ordinal, null);
            freeOrdinals.push(ordinal);
            builtAt = clock.instant();
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void unlink(int ordinal, ImageRecord image) {
        RoaringBitmap t = tenants.get(image.tenantId());
        if (t != null) t.remove(ordinal);
        for (Component c : image.components()) {
            String purl = Purls.normalize(c.purl());
            removeFrom(inventory, purl, ordinal);
            removeFrom(usage, purl, ordinal);
        }
    }

    private static void removeFrom(Map<String, RoaringBitmap> map, String purl, int ordinal) {
        RoaringBitmap b = map.get(purl);
        if (b == null) return;
        b.remove(ordinal);
        if (b.isEmpty()) map.remove(purl);
    }

    /** Marks the index as in sync with its source now (e.g. after a full re-sync from the SBOM service). */
    public void markRefreshed() {
        builtAt = clock.instant();
    }

    public Instant builtAt() {
        return builtAt;
    }

    public Optional<ImageRecord> image(String tenantId, String digest) {
        lock.readLock().lock();
        try {
            Integer o = ordinals.get(key(tenantId, digest));
            return o == null ? Optional.empty() : Optional.of(images.get(o));
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return ordinals.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size(String tenantId) {
        lock.readLock().lock();
        try {
            RoaringBitmap t = tenants.get(tenantId);
            return t == null ? 0 : t.getCardinality();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Ordinals of the tenant's images containing any of the purls (before selector filtering). */
    public RoaringBitmap candidates(ImpactQuery query) {
        lock.readLock().lock();
        try {
            return candidatesLocked(query);
        } finally {
            lock.readLock().unlock();
        }
    }

    private RoaringBitmap candidatesLocked(ImpactQuery query) {
        RoaringBitmap tenant = tenants.get(query.tenantId());
        if (tenant == null) return new RoaringBitmap();
        if (query.allImages()) return tenant.clone();
        RoaringBitmap union = union(query.usageOnly() ? usage : inventory, query.purls());
        union.and(tenant);
        return union;
    }

    private static RoaringBitmap union(Map<String, RoaringBitmap> map, Set<String> purls) {
        List<RoaringBitmap> parts = new ArrayList<>(purls.size());
        for (String p : purls) {
            RoaringBitmap b = map.get(Purls.normalize(p));
            if (b != null) parts.add(b);
        }
        return parts.isEmpty() ? new RoaringBitmap() : FastAggregation.or(parts.iterator());
    }

    /** Resolves the query into the sorted set of impacted images of the query's tenant, filtered by selector. */
    public ImpactSet resolve(ImpactQuery query) {
        lock.readLock().lock();
        try {
            RoaringBitmap hits = candidatesLocked(query);
            RoaringBitmap used = query.allImages() ? new RoaringBitmap() : union(usage, query.purls());
            Selector selector = query.selector().withTenant(query.tenantId());
            List<ImpactedImage> out = new ArrayList<>(hits.getCardinality());
            hits.forEach((int ordinal) -> {
                ImageRecord r = images.get(ordinal);
                if (selector.matches(r)) {
                    out.add(new ImpactedImage(r.digest(), r.registry(), r.repository(), r.namespaces(), r.tags(),
                            used.contains(ordinal)));
                }
            });
            out.sort(Comparator.comparing(ImpactedImage::imageDigest));
            return new ImpactSet(selector, out, query.usageOnly(), clock.instant(), out.size(), builtAt);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** All images of a tenant (snapshot export). */
    public List<ImageRecord> images(String tenantId) {
        lock.readLock().lock();
        try {
            RoaringBitmap t = tenants.get(tenantId);
            List<ImageRecord> out = new ArrayList<>();
            if (t != null) t.forEach((int o) -> out.add(images.get(o)));
            out.sort(Comparator.comparing(ImageRecord::digest));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }
}
