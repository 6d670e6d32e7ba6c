package io.verdict.scheduler.progress;

import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The execution read model, kept in the store so every instance reads the same counters. Writers call it after
 * the versioned segment write they won, so each transition is counted once; {@link #rebuild} re-derives a run's
 * counters from its segments when a crash fell between the two writes. The contract is {@code ProgressStoreContract}.
 */
public interface ProgressStore {
    /** Opens the counters of a freshly planned run (all its segments queued). Calling it again changes nothing. */
    void planned(Run run, List<Segment> segments);

    /** Applies one segment transition to its run's counters (atomically per run). */
    void apply(ProgressChange change);

    /**
     * Replaces (never adds to) the progress a running segment's holder reports, so a re-delivered segment cannot
     * count twice. Refused — empty — when {@code fencingToken} is below the segment's current attempt token (a
     * newer holder, or the attempt already ended); otherwise returns the run's counters after the write.
     */
    Optional<RunCounters> reportInFlight(String runId, int index, long fencingToken, SegmentOutcome soFar);

    /** Records the run's state (the worker sees a cancellation through it; terminal runs leave the backlog). */
    void runState(String runId, RunState state);

    Optional<RunCounters> find(String runId);

    /** Counters of several runs in one read (a page of the runs table); runs without counters are absent. */
    Map<String, RunCounters> findAll(Collection<String> runIds);

    /** Unfinished work of every tenant, grouped by tenant, schedule and mode, sorted by those. */
    List<Backlog> backlog();

    /** Replaces a run's counters with the ones derived from its segments (drift repair after a crash). */
    void rebuild(Run run, List<Segment> segments);
}
