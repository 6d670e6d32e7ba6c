package io.verdict.scheduler.impact;

import java.util.List;
import java.util.Objects;

/**
 * Which images a schedule or run may touch. Empty lists mean "no filter" for that field; the scope says which
 * field is the primary one (and must then be non-empty). Repositories and tags accept globs ({@code *}, {@code ?}).
 */
public record Selector(
        Scope scope,
        String tenantId,
        List<String> namespaces,
        List<String> repositories,
        List<String> digests,
        List<String> includeTags,
        List<LabelFilter> labels,
        boolean resolvesTags) {

    public enum Scope {
        ALL_IMAGES("all-images"), BY_NAMESPACE("by-namespace"), BY_REPOSITORY("by-repository"),
        BY_DIGEST("by-digest"), BY_LABELS("by-labels");

        private final String wire;

        Scope(String wire) { this.wire = wire; }

        public String wire() { return wire; }

        public static java.util.Optional<Scope> fromWire(String v) {
            for (Scope s : values()) if (s.wire.equals(v)) return java.util.Optional.of(s);
            return java.util.Optional.empty();
        }
    }

    /** A label key and the values it may have (empty values: key must merely be present). */
    public record LabelFilter(String key, List<String> values) {
        public LabelFilter {
            Objects.requireNonNull(key, "key");
            values = values == null ? List.of() : List.copyOf(values);
        }
    }

    public Selector {
        Objects.requireNonNull(scope, "scope");
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        repositories = repositories == null ? List.of() : List.copyOf(repositories);
        digests = digests == null ? List.of() : List.copyOf(digests);
        includeTags = includeTags == null ? List.of() : List.copyOf(includeTags);
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public static Selector allImages(String tenantId) {
        return new Selector(Scope.ALL_IMAGES, tenantId, List.of(), List.of(), List.of(), List.of(), List.of(), false);
    }

    public static Selector byNamespace(String tenantId, String... namespaces) {
        return new Selector(Scope.BY_NAMESPACE, tenantId, List.of(namespaces), List.of(), List.of(), List.of(),
                List.of(), false);
    }

    public Selector withTenant(String tenant) {
        return new Selector(scope, tenant, namespaces, repositories, digests, includeTags, labels, resolvesTags);
    }

    /** True when the image passes every non-empty filter of this selector. */
    public boolean matches(ImageRecord image) {
        if (tenantId != null && !tenantId.equals(image.tenantId())) return false;
        if (!namespaces.isEmpty() && image.namespaces().stream().noneMatch(namespaces::contains)) return false;
        if (!repositories.isEmpty() && repositories.stream().noneMatch(g -> Globs.matches(g, image.repository()))) {
            return false;
        }
        if (!digests.isEmpty() && !digests.contains(image.digest())) return false;
        if (!includeTags.isEmpty()
                && image.tags().stream().noneMatch(t -> includeTags.stream().anyMatch(g -> Globs.matches(g, t)))) {
            return false;
        }
        for (LabelFilter f : labels) {
            String v = image.labels().get(f.key());
            if (v == null) return false;
            if (!f.values().isEmpty() && !f.values().contains(v)) return false;
        }
        return true;
    }
}
