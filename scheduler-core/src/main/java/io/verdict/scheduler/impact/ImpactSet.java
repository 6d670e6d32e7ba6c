package io.verdict.scheduler.impact;

import java.time.Instant;
import java.util.List;

/** The images a query resolved, sorted by digest, with the index build stamp so staleness is visible. */
public record ImpactSet(
        Selector selector,
        List<ImpactedImage> images,
        boolean usageOnly,
        Instant generatedAt,
        int total,
        Instant indexBuiltAt) {

    public ImpactSet {
        // The index's own row list is immutable and unshared already; anything else is copied.
        images = images instanceof ImpactRows ? images : List.copyOf(images);
    }
}
