package io.verdict.scheduler.runs;

import io.verdict.scheduler.errors.ConcurrentUpdateException;

import java.util.List;
import java.util.Optional;

/** Persistence of runs. Every state change goes through {@link #update}, a version-checked write. */
public interface RunStore {
    /** Stores a new run; throws {@link ConcurrentUpdateException} if the id exists. */
    void insert(Run run);

    Optional<Run> find(String runId);

    /**
     * Replaces the stored run if its version is {@code updated.version() - 1}; otherwise throws
     * {@link ConcurrentUpdateException} and leaves the stored run untouched.
     */
    Run update(Run updated);

    /** Newest first; {@code cursor} is null for the first page. */
    Page<Run> list(RunFilter filter, String cursor, int limit);

    /** Runs not yet in a terminal state, oldest first (for resume after restart and in-flight dedup). */
    List<Run> active();
}
