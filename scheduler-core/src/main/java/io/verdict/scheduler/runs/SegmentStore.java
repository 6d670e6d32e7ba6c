package io.verdict.scheduler.runs;

import java.util.List;
import java.util.Optional;

/** Persistence of segments, with version checks and fencing on every write. */
public interface SegmentStore {
    /** Stores the segments of a freshly planned run (all or nothing from the caller's view: ids are unique). */
    void insertAll(List<Segment> segments);

    Optional<Segment> find(String runId, int index);

    /** All segments of a run ordered by index. */
    List<Segment> forRun(String runId);

    /**
     * Replaces the stored segment when its version is {@code updated.version() - 1}. A write whose fencing token
     * is below the stored one fails with {@code StaleLeaseException}; any other lost race with
     * {@code ConcurrentUpdateException}.
     */
    Segment update(Segment updated);

    /**
     * The highest fencing token of any stored segment, 0 when there is none. A queue whose token counter was lost
     * (Redis emptied) seeds it from here, so new leases never carry a token below one a segment already holds.
     */
    long maxFencingToken();
}
