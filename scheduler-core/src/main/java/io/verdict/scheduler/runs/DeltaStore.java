package io.verdict.scheduler.runs;

import java.util.List;

/** Per-image deltas of runs. Recording is idempotent on (runId, imageDigest): re-delivery never double-counts. */
public interface DeltaStore {
    /** Returns false (and changes nothing) when a delta for this run and image is already recorded. */
    boolean record(DeltaSummary delta);

    java.util.Optional<DeltaSummary> find(String runId, String imageDigest);

    /** Deltas of a run sorted by image digest. */
    List<DeltaSummary> forRun(String runId);
}
