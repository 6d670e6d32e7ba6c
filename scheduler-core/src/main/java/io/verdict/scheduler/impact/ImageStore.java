package io.verdict.scheduler.impact;

import java.time.Instant;
import java.util.List;

/**
 * Durable copy of indexed SBOMs; the in-memory {@link ImpactIndex} is rebuilt from it at start-up and follows its
 * change log afterwards ({@link IndexFollower}), so an image indexed through one instance reaches the planners of all.
 */
public interface ImageStore {
    /** How far back the change log must reach (adapters may keep more; Mongo expires changes after a day). */
    java.time.Duration CHANGE_LOG_RETENTION = java.time.Duration.ofDays(1);

    /** Stores (or replaces) the image and records the change in the change log. */
    void save(ImageRecord image);

    /** Deletes the image; records a removal and returns true when there was one. */
    boolean delete(String tenantId, String digest);

    List<ImageRecord> loadAll();

    /**
     * The change log: changes strictly after ({@code at}, {@code seq}) in (at, seq) order, at most {@code limit}.
     * {@code at} is the store's clock at recording time; pass {@code seq = -1} to start at an instant.
     */
    List<ImageChange> changesAfter(Instant at, long seq, int limit);

    /**
     * True when changes become visible in (at, seq) order — a reader that has read a change never later finds one
     * before it — so a follower may resume right after the last change it read instead of re-reading an overlap.
     */
    default boolean changesVisibleInOrder() {
        return false;
    }
}
