package io.verdict.scheduler.impact;

import java.util.Objects;

/** One SBOM component of an image; {@code usedByEntrypoint} marks what the entrypoint actually loads. */
public record Component(String purl, boolean usedByEntrypoint) {
    public Component {
        Objects.requireNonNull(purl, "purl");
    }
}
