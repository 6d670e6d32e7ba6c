package io.verdict.scheduler.impact;

import java.util.Objects;
import java.util.Set;

/**
 * What to resolve: the images containing any of {@code purls} (or every image when {@code allImages}),
 * restricted to the selector and tenant; {@code usageOnly} keeps only images whose entrypoint uses the component.
 */
public record ImpactQuery(String tenantId, Set<String> purls, boolean allImages, boolean usageOnly, Selector selector) {
    public ImpactQuery {
        Objects.requireNonNull(tenantId, "tenantId");
        purls = purls == null ? Set.of() : Set.copyOf(purls);
        selector = selector == null ? Selector.allImages(tenantId) : selector;
    }

    public static ImpactQuery forPurls(String tenantId, Set<String> purls, Selector selector, boolean usageOnly) {
        return new ImpactQuery(tenantId, purls, false, usageOnly, selector);
    }

    public static ImpactQuery allImages(String tenantId, Selector selector) {
        return new ImpactQuery(tenantId, Set.of(), true, false, selector);
    }
}
