package io.verdict.scheduler.impact;

import java.time.Instant;
import java.util.Objects;

/**
 * One recorded change of the image store: an image indexed (or re-indexed), or removed ({@code image} null).
 * {@code at} is the store's clock when the change was recorded and {@code seq} orders changes recorded at the same
 * instant; (at, seq) is a total order over a store's changes.
 */
public record ImageChange(long seq, Instant at, String tenantId, String digest, ImageRecord image) {
    public ImageChange {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(digest, "digest");
    }

    public boolean removed() {
        return image == null;
    }

    /** True when this change comes after {@code other} in the store's order. */
    public boolean isAfter(ImageChange other) {
        int c = at.compareTo(other.at);
        return c > 0 || (c == 0 && seq > other.seq);
    }
}
