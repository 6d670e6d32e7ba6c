package io.verdict.scheduler.http.views;

import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;

import java.util.ArrayList;
import java.util.List;

/**
 * Selector on the wire (SPEC §3): {@code scope}, {@code tenantId}, {@code namespaces[]}, {@code repositories[]}
 * (globs), {@code digests[]}, {@code includeTags[]} (globs), {@code labels[]} {@code {key, values[]}},
 * {@code resolvesTags}. Empty arrays mean "no filter".
 */
public record SelectorJson(String scope, String tenantId, List<String> namespaces, List<String> repositories,
                           List<String> digests, List<String> includeTags, List<LabelJson> labels,
                           Boolean resolvesTags) {

    public record LabelJson(String key, List<String> values) {}

    public static SelectorJson of(Selector s) {
        return new SelectorJson(s.scope().wire(), s.tenantId(), s.namespaces(), s.repositories(), s.digests(),
                s.includeTags(), s.labels().stream().map(l -> new LabelJson(l.key(), l.values())).toList(),
                s.resolvesTags());
    }

    /**
     * The domain selector for {@code tenant}; a selector naming another tenant is refused (a caller can only
     * select its own images). The scope's primary field must be non-empty.
     */
    public Selector toSelector(String tenant, String field, FieldErrors errors) {
        Selector.Scope sc = null;
        if (scope == null) {
            errors.add(field + ".scope", "required: all-images, by-namespace, by-repository, by-digest or by-labels");
        } else {
            sc = Selector.Scope.fromWire(scope).orElse(null);
            if (sc == null) errors.add(field + ".scope", "must be all-images, by-namespace, by-repository, by-digest or by-labels");
        }
        if (tenantId != null && !tenantId.equals(tenant)) {
            errors.add(field + ".tenantId", "must be the caller's tenant (or omitted)");
        }
        List<String> ns = errors.texts(field + ".namespaces", namespaces, 1000, 253);
        List<String> repos = errors.texts(field + ".repositories", repositories, 1000, 512);
        List<String> ds = errors.texts(field + ".digests", digests, 10_000, 71);
        for (int i = 0; i < ds.size(); i++) {
            if (!ImageRecord.isValidDigest(ds.get(i))) errors.add(field + ".digests[" + i + "]", "must be sha256:<64 lower-case hex>");
        }
        List<String> tags = errors.texts(field + ".includeTags", includeTags, 1000, 128);
        // The glob bounds are the core's rule; this only names the fields the way this request spells them.
        java.util.Map<String, List<String>> globFields = new java.util.LinkedHashMap<>();
        globFields.put(field + ".repositories", repos);
        globFields.put(field + ".includeTags", tags);
        io.verdict.scheduler.impact.Globs.problems(globFields).forEach(e -> errors.add(e.field(), e.message()));
        List<Selector.LabelFilter> ls = new ArrayList<>();
        if (labels != null) {
            if (labels.size() > 100) errors.add(field + ".labels", "at most 100 entries");
            for (int i = 0; i < labels.size() && i < 100; i++) {
                LabelJson l = labels.get(i);
                if (l == null) {
                    errors.add(field + ".labels[" + i + "]", "must be an object {key, values[]}");
                    continue;
                }
                String key = errors.text(field + ".labels[" + i + "].key", l.key(), true, 253);
                List<String> vals = errors.texts(field + ".labels[" + i + "].values", l.values(), 100, 253);
                if (key != null) ls.add(new Selector.LabelFilter(key, vals));
            }
        }
        if (sc != null) {
            switch (sc) {
                case BY_NAMESPACE -> { if (ns.isEmpty() && (namespaces == null || namespaces.isEmpty())) errors.add(field + ".namespaces", "required for scope by-namespace"); }
                case BY_REPOSITORY -> { if (repos.isEmpty() && (repositories == null || repositories.isEmpty())) errors.add(field + ".repositories", "required for scope by-repository"); }
                case BY_DIGEST -> { if (ds.isEmpty() && (digests == null || digests.isEmpty())) errors.add(field + ".digests", "required for scope by-digest"); }
                case BY_LABELS -> { if (ls.isEmpty() && (labels == null || labels.isEmpty())) errors.add(field + ".labels", "required for scope by-labels"); }
                case ALL_IMAGES -> { }
            }
        }
        if (sc == null || !errors.isEmpty()) return null;
        return new Selector(sc, tenant, ns, repos, ds, tags, ls, resolvesTags != null && resolvesTags);
    }
}
