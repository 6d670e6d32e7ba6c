package io.verdict.scheduler.impact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The impact index written the obvious way — tenant → digest → record, a scan per query — so the bitmap index
 * can be checked against it. It shares no matching code with production: purl normalization, globs and selector
 * filters are re-implemented here from the spec's wording.
 */
final class ReferenceImpactIndex {
    private final Map<String, Map<String, ImageRecord>> tenants = new HashMap<>();

    void upsert(ImageRecord image) {
        tenants.computeIfAbsent(image.tenantId(), t -> new TreeMap<>()).put(image.digest(), image);
    }

    boolean remove(String tenantId, String digest) {
        Map<String, ImageRecord> t = tenants.get(tenantId);
        return t != null && t.remove(digest) != null;
    }

    int size() {
        return tenants.values().stream().mapToInt(Map::size).sum();
    }

    int size(String tenantId) {
        return tenants.getOrDefault(tenantId, Map.of()).size();
    }

    ImageRecord image(String tenantId, String digest) {
        return tenants.getOrDefault(tenantId, Map.of()).get(digest);
    }

    List<ImageRecord> images(String tenantId) {
        return new ArrayList<>(tenants.getOrDefault(tenantId, Map.of()).values()); // TreeMap: sorted by digest
    }

    /** How many of the tenant's images the purls (or allImages) hit, before the selector is applied. */
    int candidateCount(ImpactQuery q) {
        int n = 0;
        for (ImageRecord r : images(q.tenantId())) {
            if (hit(q, r)) n++;
        }
        return n;
    }

    List<ImpactedImage> resolve(ImpactQuery q) {
        List<ImpactedImage> out = new ArrayList<>();
        for (ImageRecord r : images(q.tenantId())) {
            if (!hit(q, r) || !selects(q.selector(), r)) continue;
            out.add(new ImpactedImage(r.digest(), r.registry(), r.repository(), r.namespaces(), r.tags(),
                    !q.allImages() && usesAny(q, r)));
        }
        out.sort(Comparator.comparing(ImpactedImage::imageDigest));
        return out;
    }

    private static boolean hit(ImpactQuery q, ImageRecord r) {
        if (q.allImages()) return true;
        return q.usageOnly() ? usesAny(q, r) : containsAny(q, r);
    }

    private static boolean containsAny(ImpactQuery q, ImageRecord r) {
        Set<String> wanted = normalized(q.purls());
        return r.components().stream().anyMatch(c -> wanted.contains(strip(c.purl())));
    }

    private static boolean usesAny(ImpactQuery q, ImageRecord r) {
        Set<String> wanted = normalized(q.purls());
        return r.components().stream().anyMatch(c -> c.usedByEntrypoint() && wanted.contains(strip(c.purl())));
    }

    private static Set<String> normalized(Set<String> purls) {
        Set<String> out = new HashSet<>();
        for (String p : purls) out.add(strip(p));
        return out;
    }

    /** The purl without {@code ?qualifiers} and {@code #subpath}. */
    static String strip(String purl) {
        return purl.split("[?#]", 2)[0];
    }

    /** Every non-empty field of the selector must pass; the query's tenant is the only tenant looked at. */
    static boolean selects(Selector s, ImageRecord r) {
        if (!s.namespaces().isEmpty() && r.namespaces().stream().noneMatch(s.namespaces()::contains)) return false;
        if (!s.repositories().isEmpty()
                && (r.repository() == null || s.repositories().stream().noneMatch(g -> glob(g, r.repository())))) {
            return false;
        }
        if (!s.digests().isEmpty() && !s.digests().contains(r.digest())) return false;
        if (!s.includeTags().isEmpty()
                && r.tags().stream().noneMatch(t -> s.includeTags().stream().anyMatch(g -> glob(g, t)))) {
            return false;
        }
        for (Selector.LabelFilter f : s.labels()) {
            if (!r.labels().containsKey(f.key())) return false;
            if (!f.values().isEmpty() && !f.values().contains(r.labels().get(f.key()))) return false;
        }
        return true;
    }

    /** Shell glob by plain recursion: {@code *} any run (also empty), {@code ?} exactly one character. */
    static boolean glob(String g, String v) {
        return glob(g, 0, v, 0);
    }

    private static boolean glob(String g, int gi, String v, int vi) {
        if (gi == g.length()) return vi == v.length();
        char c = g.charAt(gi);
        if (c == '*') {
            for (int k = vi; k <= v.length(); k++) {
                if (glob(g, gi + 1, v, k)) return true;
            }
            return false;
        }
        if (vi == v.length()) return false;
        return (c == '?' || c == v.charAt(vi)) && glob(g, gi + 1, v, vi + 1);
    }
}
