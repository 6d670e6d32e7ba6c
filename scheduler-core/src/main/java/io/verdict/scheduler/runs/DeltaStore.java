package io.verdict.scheduler.runs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Per-image deltas of runs. Recording is idempotent on (runId, imageDigest): re-delivery never double-counts. */
public interface DeltaStore {
    /** Returns false (and changes nothing) when a delta for this run and image is already recorded. */
    boolean record(DeltaSummary delta);

    Optional<DeltaSummary> find(String runId, String imageDigest);

    /** Deltas of a run sorted by image digest. */
    List<DeltaSummary> forRun(String runId);

    /**
     * Records several deltas with the same per-(run, image) idempotency as {@link #record}; returns those newly
     * recorded, in input order (the others were there already). The default loops; durable adapters write once.
     */
    default List<DeltaSummary> recordAll(List<DeltaSummary> deltas) {
        List<DeltaSummary> out = new ArrayList<>();
        for (DeltaSummary d : deltas) if (record(d)) out.add(d);
        return out;
    }

    /** Recorded deltas of a run for the given images, in one read; images without a delta are absent. */
    default Map<String, DeltaSummary> findAll(String runId, Collection<String> imageDigests) {
        Map<String, DeltaSummary> out = new LinkedHashMap<>();
        for (String d : imageDigests) find(runId, d).ifPresent(x -> out.put(d, x));
        return out;
    }
}
