package io.verdict.scheduler.impact;

import java.util.List;

/** An image in an {@link ImpactSet}. */
public record ImpactedImage(
        String imageDigest,
        String registry,
        String repository,
        List<String> namespaces,
        List<String> tags,
        boolean usedByEntrypoint) {}
