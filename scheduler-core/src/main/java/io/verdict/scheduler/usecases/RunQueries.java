package io.verdict.scheduler.usecases;

import io.verdict.scheduler.Storage;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.errors.NotFoundException;
import io.verdict.scheduler.events.RunEventFeed;
import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;

import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.progress.Backlog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the console, the API and metrics read: runs (always confined to a tenant where an ID is given), their
 * segments, deltas, events, the queue's depth, intake cursors and the audit log. Read-only by construction.
 */
public final class RunQueries {
    private final Storage storage;
    private final SegmentQueue queue;
    private final RunLifecycle lifecycle;

    public RunQueries(Storage storage, SegmentQueue queue, RunLifecycle lifecycle) {
        this.storage = storage;
        this.queue = queue;
        this.lifecycle = lifecycle;
    }

    /** A run of the tenant; another tenant's run is reported as not found. */
    public Run run(String tenantId, String runId) {
        return storage.runs().find(runId).filter(r -> r.tenantId().equals(tenantId))
                .orElseThrow(() -> new NotFoundException("run " + runId));
    }

    public Page<Run> runs(RunFilter filter, String cursor, int limit) {
        return storage.runs().list(filter, cursor, limit);
    }

    /** Runs not yet ended, of every tenant (callers filter). */
    public List<Run> activeRuns() {
        return storage.runs().active();
    }

    /** A run's stats from the read model (counters maintained as segments change state), not a segment scan. */
    public RunStats stats(Run run) {
        return lifecycle.stats(run);
    }

    /** Stats of a page of runs, in one read-model query. */
    public Map<String, RunStats> stats(List<Run> runs) {
        return lifecycle.stats(runs);
    }

    /** Unfinished work per tenant, schedule and mode (the console's queue card and the backlog gauges). */
    public List<Backlog> backlog() {
        return lifecycle.backlog();
    }

    public List<Segment> segments(Run run) {
        return storage.segments().forRun(run.id());
    }

    public List<DeltaSummary> deltas(Run run) {
        return storage.deltas().forRun(run.id());
    }

    public RunEventFeed events() {
        return storage.events();
    }

    public List<QueueDepth> queueDepth() {
        return queue.depth();
    }

    /** The last event intake processed from a source ({@code concelier}, {@code excititor}, {@code policy}). */
    public Optional<Cursor> intakeCursor(String tenantId, String source) {
        return storage.cursors().find(tenantId, source);
    }

    /** Newest first. */
    public List<AuditRecord> recentAudit(String tenantId, int limit) {
        return storage.audit().recent(tenantId, limit);
    }
}
