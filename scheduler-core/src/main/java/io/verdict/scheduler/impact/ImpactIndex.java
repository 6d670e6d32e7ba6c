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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
    private volatile DigestOrder digestOrder =
            new DigestOrder(-1, new int[0], new int[0], new ImpactedImage[0], new ImpactedImage[0]);
    private volatile Instant builtAt;
    /** Done unless a background load is running ({@link #beginLoad}). */
    private volatile CompletableFuture<Void> loaded = CompletableFuture.completedFuture(null);

    /**
     * Where each ordinal sits when all indexed images are sorted by digest, as of one {@code membership} value,
     * and the result rows (without and with the entrypoint flag) laid out in that order. Lets a large result come
     * out in digest order without a string sort per query, and copies its rows by one forward pass over the rank
     * arrays instead of one cache miss per hit into rows scattered by ordinal. The rank and ordinal arrays never
     * change once published; the row arrays follow a re-indexed image ({@link #store}) under the write lock.
     */
    private record DigestOrder(long membership, int[] rankOf, int[] ordinalAt, ImpactedImage[] rowAt,
                               ImpactedImage[] usedRowAt) {}

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
        awaitLoaded();
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
        loaded.complete(null);
    }

    /**
     * Closes the gate for a load running on another thread ({@link IndexFollower#loadInBackground}): until
     * {@link #loadAll} finishes, every read and write of the index waits, so nobody sees a half-loaded index and
     * no change is overwritten by the older stored copy being loaded.
     */
    public void beginLoad() {
        loaded = new CompletableFuture<>();
    }

    /** The background load failed: waiting and later callers get an {@link IllegalStateException} naming it. */
    public void failLoad(Throwable cause) {
        loaded.completeExceptionally(cause);
    }

    /** False while a background load runs (or after it failed): what readiness reports. */
    public boolean isLoaded() {
        CompletableFuture<Void> f = loaded;
        return f.isDone() && !f.isCompletedExceptionally();
    }

    /** Waits until a background load is done (at once when none runs); throws when it failed. */
    public void awaitLoad() {
        awaitLoaded();
    }

    private void awaitLoaded() {
        CompletableFuture<Void> f = loaded;
        if (f.isDone() && !f.isCompletedExceptionally()) return;
        try {
            f.get(); // interruptible: a scheduler closing while the index loads stops its waiting threads
        } catch (ExecutionException e) {
            throw new IllegalStateException("the impact index could not be loaded from the image store", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the impact index to load", e);
        }
    }

    /** Removes an image; returns false when it was not indexed. */
    public boolean remove(String tenantId, String digest) {
        awaitLoaded();
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
        // Re-indexing a digest keeps membership, so the published digest order stays current: its rows follow.
        // (A new or removed ordinal bumps membership and makes the order stale; it is rebuilt at the next query.)
        DigestOrder order = digestOrder;
        if (order.membership() == membership && ordinal < order.rankOf().length) {
            int r = order.rankOf()[ordinal];
            if (r < order.ordinalAt().length && order.ordinalAt()[r] == ordinal) {
                order.rowAt()[r] = row;
                order.usedRowAt()[r] = usedRow;
            }
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
        awaitLoaded();
        builtAt = clock.instant();
    }

    public Instant builtAt() {
        awaitLoaded();
        return builtAt;
    }

    public Optional<ImageRecord> image(String tenantId, String digest) {
        awaitLoaded();
        lock.readLock().lock();
        try {
            Integer o = ordinals.get(key(tenantId, digest));
            return o == null ? Optional.empty() : Optional.of(images.get(o));
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size() {
        awaitLoaded();
        lock.readLock().lock();
        try {
            return ordinals.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size(String tenantId) {
        awaitLoaded();
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
        awaitLoaded();
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
        Postings found = postings(query.purls());
        RoaringBitmap union = orCovering(query.usageOnly() ? found.usage : found.inventory, tenant);
        union.and(tenant);
        return union;
    }

    /** The inventory and usage bitmaps a query's purls stand for, gathered in one pass over the purls. */
    private record Postings(List<RoaringBitmap> inventory, List<RoaringBitmap> usage) {
        void add(RoaringBitmap inv, RoaringBitmap use) {
            if (inv != null) inventory.add(inv);
            if (use != null) usage.add(use);
        }
    }

    /**
     * The bitmaps of the match keys a query's purls stand for: an exact purl its own key, a versionless purl or a
     * range the keys of the package's versions that qualify. A string that is not a purl is looked up as written
     * (the adapters reject those before they get here; stored requests from before canonical keys still resolve).
     * Each purl is resolved once for both bitmaps; an exact purl already seen in an SBOM ({@link #keyCache}) is
     * neither parsed nor looked up again. Called under the read lock: the cache and postings only change under
     * the write lock, so reading them here is safe.
     */
    private Postings postings(Set<String> purls) {
        Postings out = new Postings(new ArrayList<>(purls.size()), new ArrayList<>(purls.size()));
        for (String p : purls) {
            Posting known = keyCache.get(p);
            if (known != null && known.key.packageKey() != null && known.key.version() != null) {
                // An exact purl (a range or a versionless purl has no plain version in its key): its own key.
                RoaringBitmap inv = known.inventory;
                RoaringBitmap use = known.usage;
                // A remembered bitmap is current while non-empty (see Posting); else look the key up.
                if (inv == null || inv.isEmpty()) inv = inventory.get(known.key.match());
                if (use == null || use.isEmpty()) use = usage.get(known.key.match());
                out.add(inv, use);
                continue;
            }
            PackageQuery q = Purls.query(p);
            switch (q) {
                case null -> addKey(out, Purls.normalize(p));
                case PackageQuery.Exact e -> addKey(out, e.matchKey());
                case PackageQuery.AnyVersion a -> {
                    Map<String, String> present = versions.get(a.packageKey());
                    if (present != null) for (String k : present.values()) addKey(out, k);
                }
                case PackageQuery.InRange r -> {
                    Map<String, String> present = versions.get(r.packageKey());
                    if (present != null) {
                        for (Map.Entry<String, String> v : present.entrySet()) {
                            if (!v.getKey().isEmpty() && r.range().contains(v.getKey())) addKey(out, v.getValue());
                        }
                    }
                }
            }
        }
        return out;
    }

    private void addKey(Postings out, String matchKey) {
        out.add(inventory.get(matchKey), usage.get(matchKey));
    }

    private static RoaringBitmap or(List<RoaringBitmap> parts) {
        return parts.isEmpty() ? new RoaringBitmap() : FastAggregation.or(parts.iterator());
    }

    /** Most parts {@link #orCovering} ORs one by one, checking coverage after each, before it ORs the rest at once. */
    private static final int COVERING_STEPS = 64;

    /**
     * A fresh bitmap whose intersection with {@code target} equals that of the union of {@code parts}, built
     * without looking at most parts when a few big ones already cover all of {@code target}. A delta naming
     * base-image packages (libc, openssl, zlib: in nearly every image) reaches the whole tenant after its first
     * part or first few dozen (the entrypoint bitmaps), and ORing the other ~1,000 into a full bitmap changes
     * nothing. The parts of at least 1/16 of the target are tried biggest first, up to {@link #COVERING_STEPS} of
     * them; if they do not cover the target, everything left is ORed in one go as {@link #or} does.
     */
    private static RoaringBitmap orCovering(List<RoaringBitmap> parts, RoaringBitmap target) {
        int goal = target.getCardinality();
        int threshold = Math.max(1, goal >>> 4);
        // (cardinality << 32 | index) of each big part, so one sort orders them biggest first
        long[] big = new long[parts.size()];
        int bigCount = 0;
        for (int i = 0; i < big.length; i++) {
            int c = parts.get(i).getCardinality();
            if (c >= threshold) big[bigCount++] = ((long) c << 32) | i;
        }
        if (bigCount == 0) return or(parts);
        java.util.Arrays.sort(big, 0, bigCount);
        int steps = Math.min(bigCount, COVERING_STEPS);
        boolean[] taken = new boolean[parts.size()];
        RoaringBitmap acc = null;
        for (int s = 0; s < steps; s++) {
            int i = (int) big[bigCount - 1 - s];
            taken[i] = true;
            if (acc == null) acc = parts.get(i).clone(); else acc.or(parts.get(i));
            // The cardinality (kept by in-place OR) is a cheap necessary condition; contains is the exact test.
            if (acc.getCardinality() >= goal && acc.contains(target)) return acc;
        }
        List<RoaringBitmap> rest = new ArrayList<>(parts.size() - steps + 1);
        rest.add(acc);
        for (int i = 0; i < taken.length; i++) if (!taken[i]) rest.add(parts.get(i));
        return FastAggregation.or(rest.iterator());
    }

    /** Resolves the query into the sorted set of impacted images of the query's tenant, filtered by selector. */
    public ImpactSet resolve(ImpactQuery query) {
        awaitLoaded();
        lock.readLock().lock();
        try {
            RoaringBitmap tenant = tenants.get(query.tenantId());
            RoaringBitmap hits;
            RoaringBitmap used;
            if (tenant == null) {
                hits = new RoaringBitmap();
                used = hits;
            } else if (query.allImages()) {
                hits = tenant.clone();
                used = new RoaringBitmap();
            } else {
                Postings found = postings(query.purls());
                if (query.usageOnly()) {
                    used = orCovering(found.usage, tenant);
                    used.and(tenant);
                    hits = used.clone();
                } else {
                    hits = orCovering(found.inventory, tenant);
                    hits.and(tenant);
                    // Only hits ∧ used is read below, so the entrypoint union may stop once it covers the hits.
                    used = orCovering(found.usage, hits);
                }
            }
            Selector selector = query.selector().withTenant(query.tenantId());
            // Hits are already the tenant's: a selector that filters nothing else need not look at the images.
            boolean filters = filtersBeyondTenant(selector);
            int hitCount = hits.getCardinality();
            ImpactedImage[] out = hitCount >= ordinals.size() / 8
                    ? byRank(hits, used, filters ? selector : null)
                    : sorted(hits, used, filters ? selector : null);
            ImpactRows rows = new ImpactRows(out);
            return new ImpactSet(selector, rows, query.usageOnly(), clock.instant(), rows.size(), builtAt);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * A large share of the index: the hits' digest ranks are set in a bit set over ranks (a few KB, so the
     * scattered writes stay in cache), then one pass over it copies the rows from the rank-ordered row arrays —
     * no string sort, no boxing, no per-hit bitmap probe, no read of rows scattered by ordinal: the entrypoint
     * flag comes from a second rank bit set built from {@code hits ∧ used} (none when every hit is used).
     */
    private ImpactedImage[] byRank(RoaringBitmap hits, RoaringBitmap used, Selector filter) {
        DigestOrder order = digestOrder();
        int[] rankOf = order.rankOf();
        long[] hitRanks = new long[(order.ordinalAt().length + 63) >>> 6];
        int[] batch = new int[256];
        int count = 0;
        var it = hits.getBatchIterator();
        while (it.hasNext()) {
            int n = it.nextBatch(batch);
            for (int i = 0; i < n; i++) {
                int o = batch[i];
                if (filter != null && !filter.matches(images.get(o))) continue;
                int r = rankOf[o];
                hitRanks[r >>> 6] |= 1L << r;
                count++;
            }
        }
        long[] usedRanks = new long[hitRanks.length];
        RoaringBitmap usedHits = used.isEmpty() ? used : RoaringBitmap.and(hits, used);
        if (filter == null && usedHits.getCardinality() == count) {
            usedRanks = hitRanks; // every hit is used (a base package's delta): no second scatter
        } else if (!usedHits.isEmpty()) {
            it = usedHits.getBatchIterator();
            while (it.hasNext()) {
                int n = it.nextBatch(batch);
                for (int i = 0; i < n; i++) {
                    int r = rankOf[batch[i]];
                    usedRanks[r >>> 6] |= 1L << r;
                }
            }
        }
        ImpactedImage[] rowAt = order.rowAt();
        ImpactedImage[] usedRowAt = order.usedRowAt();
        ImpactedImage[] out = new ImpactedImage[count];
        int k = 0;
        for (int w = 0; w < hitRanks.length; w++) {
            long bits = hitRanks[w];
            long usedBits = usedRanks[w] & bits; // a filtered-out hit has no hit bit: its used bit must not count
            if (bits == -1L) {
                // 64 consecutive ranks hit (a delta reaching most of the fleet): copy them as a block from the
                // rows of the majority flag, then overwrite the few of the other flag.
                int base = w << 6;
                boolean mostlyUsed = Long.bitCount(usedBits) >= 32;
                System.arraycopy(mostlyUsed ? usedRowAt : rowAt, base, out, k, 64);
                ImpactedImage[] other = mostlyUsed ? rowAt : usedRowAt;
                long patch = mostlyUsed ? ~usedBits : usedBits;
                while (patch != 0) {
                    int b = Long.numberOfTrailingZeros(patch);
                    out[k + b] = other[base + b];
                    patch &= patch - 1;
                }
                k += 64;
                continue;
            }
            while (bits != 0) {
                int b = Long.numberOfTrailingZeros(bits);
                int r = (w << 6) + b;
                out[k++] = (usedBits & (1L << b)) != 0 ? usedRowAt[r] : rowAt[r];
                bits &= bits - 1;
            }
        }
        return out;
    }

    /** A small share of the index: the hits' rows sorted by digest (cheaper than a fresh digest order). */
    private ImpactedImage[] sorted(RoaringBitmap hits, RoaringBitmap used, Selector filter) {
        List<ImpactedImage> out = new ArrayList<>(hits.getCardinality());
        hits.forEach((int ordinal) -> {
            if (filter == null || filter.matches(images.get(ordinal))) {
                out.add((used.contains(ordinal) ? usedRows : rows).get(ordinal));
            }
        });
        out.sort(Comparator.comparing(ImpactedImage::imageDigest));
        return out.toArray(new ImpactedImage[0]);
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
        int[] ordinalAt = new int[live.size()];
        ImpactedImage[] rowAt = new ImpactedImage[live.size()];
        ImpactedImage[] usedRowAt = new ImpactedImage[live.size()];
        for (int i = 0; i < live.size(); i++) {
            int o = live.get(i);
            rankOf[o] = i;
            ordinalAt[i] = o;
            rowAt[i] = rows.get(o);
            usedRowAt[i] = usedRows.get(o);
        }
        DigestOrder fresh = new DigestOrder(membership, rankOf, ordinalAt, rowAt, usedRowAt);
        digestOrder = fresh;
        return fresh;
    }

    /** All images of a tenant (snapshot export). */
    public List<ImageRecord> images(String tenantId) {
        awaitLoaded();
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
