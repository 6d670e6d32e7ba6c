package io.verdict.scheduler.impact;

import io.verdict.scheduler.purl.PackageQuery;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 *
 * <p>Purls are keyed by their canonical match key ({@link Purls#key}), so equivalent spellings meet. Next to the
 * purl → bitmap map, the index keeps per package (type + namespace + name) the versions present and their keys:
 * a versionless query is the union of that package's bitmaps, a {@code vers:} range the union of the bitmaps of
 * the versions inside it — the other packages are never looked at.
 */
public final class ImpactIndex {
    private final Clock clock;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Integer> ordinals = new HashMap<>();
    private final List<ImageRecord> images = new ArrayList<>();
    // Per ordinal, the image as a result row, with and without the entrypoint flag: built once per upsert so a
    // query that hits most of the fleet only picks references instead of dereferencing every image record.
    private final List<ImpactedImage> rows = new ArrayList<>();
    private final List<ImpactedImage> usedRows = new ArrayList<>();
    private final Deque<Integer> freeOrdinals = new ArrayDeque<>();
    private final Map<String, RoaringBitmap> inventory = new HashMap<>();
    private final Map<String, RoaringBitmap> usage = new HashMap<>();
    private final Map<String, RoaringBitmap> tenants = new HashMap<>();
    /** package key → (version → match key) for the versions present in {@link #inventory}. */
    private final Map<String, Map<String, String>> versions = new HashMap<>();
    /** Raw component purl → its index key, so re-indexing the same SBOM strings does not re-parse them. */
    private final Map<String, Posting> keyCache = new HashMap<>();
    private static final int KEY_CACHE_LIMIT = 1 << 20;
    /** Bumped (under the write lock) whenever an image enters or leaves; re-indexing the same digest keeps it. */
    private long membership;
    private volatile DigestOrder digestOrder = new DigestOrder(-1, new int[0]);
    private volatile Instant builtAt;

    /**
     * Where each ordinal sits when all indexed images are sorted by digest, as of one {@code membership} value.
     * Lets a large result come out in digest order without a string sort per query; immutable once published.
     */
    private record DigestOrder(long membership, int[] rankOf) {}

    /**
     * A raw purl's key and, remembered from the last time it was linked, the bitmaps of its match key in
     * {@link #inventory} and {@link #usage}: an SBOM string seen before costs one map lookup instead of three.
     * A remembered bitmap is trusted only while non-empty — the maps never hold an empty bitmap (an emptied one
     * is dropped), so an empty one may be stale and is looked up again. Guarded by the write lock.
     */
    private static final class Posting {
        final Purls.Key key;
        RoaringBitmap inventory;
        RoaringBitmap usage;

        Posting(Purls.Key key) {
            this.key = key;
        }
    }

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
            link(image);
            builtAt = clock.instant();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Called under the write lock: puts the image at its ordinal (new or reused) and links its components. */
    private void link(ImageRecord image) {
        Integer existing = ordinals.get(key(image.tenantId(), image.digest()));
        int ordinal;
        if (existing != null) {
            unlink(existing, images.get(existing));
            ordinal = existing;
        } else {
            ordinal = freeOrdinals.isEmpty() ? images.size() : freeOrdinals.pop();
            ordinals.put(key(image.tenantId(), image.digest()), ordinal);
            membership++;
        }
        store(ordinal, image);
        tenants.computeIfAbsent(image.tenantId(), t -> new RoaringBitmap()).add(ordinal);
        for (Component c : image.components()) {
            Posting posting = posting(c.purl());
            Purls.Key key = posting.key;
            RoaringBitmap inv = posting.inventory;
            if (inv == null || inv.isEmpty()) {
                inv = inventory.get(key.match());
                if (inv == null) {
                    inventory.put(key.match(), inv = new RoaringBitmap());
                    if (key.packageKey() != null) {
                        versions.computeIfAbsent(key.packageKey(), k -> new HashMap<>()).put(key.versionOrEmpty(), key.match());
                    }
                }
                posting.inventory = inv;
            }
            inv.add(ordinal);
            if (c.usedByEntrypoint()) {
                RoaringBitmap use = posting.usage;
                if (use == null || use.isEmpty()) {
                    posting.usage = use = usage.computeIfAbsent(key.match(), p -> new RoaringBitmap());
                }
                use.add(ordinal);
            }
        }
    }

    /** Bulk load (start-up from a snapshot): one write lock for all, the build stamp set once at the end. */
    public void loadAll(Iterable<ImageRecord> all, Instant stamp) {
        lock.writeLock().lock();
        try {
            for (ImageRecord r : all) link(r);
            builtAt = stamp == null ? clock.instant() : stamp;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes an image; returns false when it was not indexed. */
    public boolean remove(String tenantId, String digest) {
        lock.writeLock().lock();
        try {
            Integer ordinal = ordinals.remove(key(tenantId, digest));
            if (ordinal == null) return false;
            unlink(ordinal, images.get(ordinal));
            store(ordinal, null);
            freeOrdinals.push(ordinal);
            membership++;
            builtAt = clock.instant();
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Puts the image (null: nothing) and its result rows at the ordinal, growing the lists by one if needed. */
    private void store(int ordinal, ImageRecord image) {
        ImpactedImage row = image == null ? null : impacted(image, false);
        ImpactedImage usedRow = image == null ? null : impacted(image, true);
        if (ordinal == images.size()) {
            images.add(image);
            rows.add(row);
            usedRows.add(usedRow);
        } else {
            images.set(ordinal, image);
            rows.set(ordinal, row);
            usedRows.set(ordinal, usedRow);
        }
    }

    private void unlink(int ordinal, ImageRecord image) {
        RoaringBitmap t = tenants.get(image.tenantId());
        if (t != null) t.remove(ordinal);
        for (Component c : image.components()) {
            Purls.Key key = posting(c.purl()).key;
            if (removeFrom(inventory, key.match(), ordinal) && key.packageKey() != null) {
                Map<String, String> present = versions.get(key.packageKey());
                if (present != null) {
                    present.remove(key.versionOrEmpty());
                    if (present.isEmpty()) versions.remove(key.packageKey());
                }
            }
            removeFrom(usage, key.match(), ordinal);
        }
    }

    /** Called under the write lock. */
    private Posting posting(String raw) {
        Posting k = keyCache.get(raw);
        if (k == null) {
            if (keyCache.size() >= KEY_CACHE_LIMIT) keyCache.clear();
            k = new Posting(Purls.key(raw));
            keyCache.put(raw, k);
        }
        return k;
    }

    /** Removes the ordinal; true when that emptied (and so dropped) the purl's bitmap. */
    private static boolean removeFrom(Map<String, RoaringBitmap> map, String purl, int ordinal) {
        RoaringBitmap b = map.get(purl);
        if (b == null) return false;
        b.remove(ordinal);
        if (b.isEmpty()) {
            map.remove(purl);
            return true;
        }
        return false;
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
        RoaringBitmap union = union(query.usageOnly() ? usage : inventory, keys(query.purls()));
        union.and(tenant);
        return union;
    }

    /**
     * The match keys a query's purls stand for: an exact purl its own key, a versionless purl or a range the keys
     * of the package's versions that qualify. A string that is not a purl is looked up as written (the adapters
     * reject those before they get here; stored requests from before canonical keys still resolve).
     */
    private List<String> keys(Set<String> purls) {
        List<String> out = new ArrayList<>(purls.size());
        for (String p : purls) {
            PackageQuery q = Purls.query(p);
            switch (q) {
                case null -> out.add(Purls.normalize(p));
                case PackageQuery.Exact e -> out.add(e.matchKey());
                case PackageQuery.AnyVersion a -> {
                    Map<String, String> present = versions.get(a.packageKey());
                    if (present != null) out.addAll(present.values());
                }
                case PackageQuery.InRange r -> {
                    Map<String, String> present = versions.get(r.packageKey());
                    if (present != null) {
                        for (Map.Entry<String, String> v : present.entrySet()) {
                            if (!v.getKey().isEmpty() && r.range().contains(v.getKey())) out.add(v.getValue());
                        }
                    }
                }
            }
        }
        return out;
    }

    private static RoaringBitmap union(Map<String, RoaringBitmap> map, List<String> keys) {
        List<RoaringBitmap> parts = new ArrayList<>(keys.size());
        for (String k : keys) {
            RoaringBitmap b = map.get(k);
            if (b != null) parts.add(b);
        }
        return parts.isEmpty() ? new RoaringBitmap() : FastAggregation.or(parts.iterator());
    }

    /** Resolves the query into the sorted set of impacted images of the query's tenant, filtered by selector. */
    public ImpactSet resolve(ImpactQuery query) {
        lock.readLock().lock();
        try {
            RoaringBitmap tenant = tenants.get(query.tenantId());
            List<String> keys = query.allImages() || tenant == null ? List.of() : keys(query.purls());
            RoaringBitmap hits;
            if (tenant == null) {
                hits = new RoaringBitmap();
            } else if (query.allImages()) {
                hits = tenant.clone();
            } else {
                hits = union(query.usageOnly() ? usage : inventory, keys);
                hits.and(tenant);
            }
            RoaringBitmap used = query.allImages() ? new RoaringBitmap() : union(usage, keys);
            Selector selector = query.selector().withTenant(query.tenantId());
            // Hits are already the tenant's: a selector that filters nothing else need not look at the images.
            boolean filters = filtersBeyondTenant(selector);
            int hitCount = hits.getCardinality();
            List<ImpactedImage> out = new ArrayList<>(hitCount);
            if (hitCount >= ordinals.size() / 8) {
                // A large share of the index: place hits by their precomputed digest rank (no string sort).
                int[] rankOf = digestOrder().rankOf();
                ImpactedImage[] byRank = new ImpactedImage[rankOf.length];
                hits.forEach((int ordinal) -> {
                    if (!filters || selector.matches(images.get(ordinal))) {
                        byRank[rankOf[ordinal]] = (used.contains(ordinal) ? usedRows : rows).get(ordinal);
                    }
                });
                for (ImpactedImage i : byRank) if (i != null) out.add(i);
            } else {
                hits.forEach((int ordinal) -> {
                    if (!filters || selector.matches(images.get(ordinal))) {
                        out.add((used.contains(ordinal) ? usedRows : rows).get(ordinal));
                    }
                });
                out.sort(Comparator.comparing(ImpactedImage::imageDigest));
            }
            return new ImpactSet(selector, out, query.usageOnly(), clock.instant(), out.size(), builtAt);
        } finally {
            lock.readLock().unlock();
        }
    }

    private static boolean filtersBeyondTenant(Selector s) {
        return !(s.namespaces().isEmpty() && s.repositories().isEmpty() && s.digests().isEmpty()
                && s.includeTags().isEmpty() && s.labels().isEmpty());
    }

    private static ImpactedImage impacted(ImageRecord r, boolean usedByEntrypoint) {
        return new ImpactedImage(r.digest(), r.registry(), r.repository(), r.namespaces(), r.tags(), usedByEntrypoint);
    }

    /**
     * The digest order of the current images, recomputed (one sort) only after images came or went. Called under
     * the read lock, so {@code membership} cannot move meanwhile; concurrent readers may both recompute the same
     * order, which is harmless.
     */
    private DigestOrder digestOrder() {
        DigestOrder current = digestOrder;
        if (current.membership() == membership) return current;
        List<Integer> live = new ArrayList<>(ordinals.values());
        live.sort(Comparator.comparing((Integer o) -> images.get(o).digest()).thenComparing(o -> o));
        int[] rankOf = new int[images.size()];
        for (int i = 0; i < live.size(); i++) rankOf[live.get(i)] = i;
        DigestOrder fresh = new DigestOrder(membership, rankOf);
        digestOrder = fresh;
        return fresh;
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
