package io.verdict.scheduler.planning;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.PlannerLockHeldException;
import io.verdict.scheduler.errors.SchedulerException;
import io.verdict.scheduler.errors.StaleIndexException;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.VerdictStore;
import io.verdict.scheduler.impact.ImpactIndex;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.impact.ImpactQuery;
import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.impact.ImpactedImage;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.queue.LockService;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.intake.CursorStore;
import io.verdict.scheduler.runs.PlanInputs;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SegmentStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Plans runs: takes the tenant's planner lock, resolves the impact set, filters and dedups it, orders targets
 * (priority images first, then by digest), cuts segments, digests the plan, persists run and segments and
 * enqueues the segments.
 */
public final class Planner {
    private final ImpactIndex index;
    private final RunStore runs;
    private final SegmentStore segments;
    private final SegmentQueue queue;
    private final LockService locks;
    private final VerdictStore verdicts;
    private final RunLifecycle lifecycle;
    private final RunIdGenerator ids;
    private final Clock clock;
    private final SchedulerMetrics metrics;
    private final int segmentSize;
    private final Duration maxIndexAge;
    private final String owner;
    private final CursorStore cursors;

    /** The intake sources whose cursors a run records at planning. */
    public static final List<String> CURSOR_SOURCES = List.of("concelier", "excititor", "policy");

    public Planner(ImpactIndex index, RunStore runs, SegmentStore segments, SegmentQueue queue, LockService locks,
                   VerdictStore verdicts, RunLifecycle lifecycle, RunIdGenerator ids, Clock clock,
                   SchedulerMetrics metrics, int segmentSize, Duration maxIndexAge, String owner) {
        this(index, runs, segments, queue, locks, verdicts, lifecycle, ids, clock, metrics, segmentSize, maxIndexAge,
                owner, null);
    }

    /** @param cursors intake cursors recorded with each run's plan inputs; null records none */
    public Planner(ImpactIndex index, RunStore runs, SegmentStore segments, SegmentQueue queue, LockService locks,
                   VerdictStore verdicts, RunLifecycle lifecycle, RunIdGenerator ids, Clock clock,
                   SchedulerMetrics metrics, int segmentSize, Duration maxIndexAge, String owner,
                   CursorStore cursors) {
        this.cursors = cursors;
        if (segmentSize < 1) throw new IllegalArgumentException("segmentSize must be >= 1");
        this.index = index;
        this.runs = runs;
        this.segments = segments;
        this.queue = queue;
        this.locks = locks;
        this.verdicts = verdicts;
        this.lifecycle = lifecycle;
        this.ids = ids;
        this.clock = clock;
        this.metrics = metrics;
        this.segmentSize = segmentSize;
        this.maxIndexAge = maxIndexAge;
        this.owner = owner;
    }

    public int segmentSize() {
        return segmentSize;
    }

    /** Resolves the impact of a request without creating anything (preview). */
    public ImpactSet preview(PlanRequest req) {
        return index.resolve(query(req));
    }

    private static ImpactQuery query(PlanRequest req) {
        return new ImpactQuery(req.tenantId(), req.purls(), req.allImages(), req.usageOnly(), req.selector());
    }

    public PlannedRun plan(PlanRequest req) {
        long t0 = System.nanoTime();
        if (req.selector().tenantId() != null && !req.selector().tenantId().equals(req.tenantId())) {
            metrics.plannerRun(req.mode(), "failed", Duration.ofNanos(System.nanoTime() - t0));
            throw new SchedulerException(ErrorCode.ERR_RUN_002, "selector names tenant " + req.selector().tenantId()
                    + " but the run is for tenant " + req.tenantId());
        }
        // An index still loading at start-up is waited for before the lock, so the wait never eats its lease.
        index.awaitLoad();
        Optional<LockLease> lock = locks.tryAcquire("planner:" + req.tenantId(), owner, Duration.ofSeconds(60));
        if (lock.isEmpty()) {
            metrics.plannerRun(req.mode(), "failed", Duration.ofNanos(System.nanoTime() - t0));
            throw new PlannerLockHeldException(req.tenantId());
        }
        try {
            PlannedRun planned = planLocked(req);
            metrics.plannerRun(req.mode(), planned.segments().isEmpty() ? "no_work" : "enqueued",
                    Duration.ofNanos(System.nanoTime() - t0));
            metrics.plannerHeartbeat();
            return planned;
        } catch (RuntimeException e) {
            metrics.plannerRun(req.mode(), "failed", Duration.ofNanos(System.nanoTime() - t0));
            throw e;
        } finally {
            locks.release(lock.get());
        }
    }

    private PlannedRun planLocked(PlanRequest req) {
        // Millisecond precision, like every store and the listing cursor: two runs in one millisecond still page right.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (maxIndexAge != null && index.builtAt().plus(maxIndexAge).isBefore(now)) {
            throw new StaleIndexException(index.builtAt(), maxIndexAge);
        }
        ImpactSet impact = index.resolve(query(req));
        List<String> filtered = filter(req, impact, now);
        Set<String> urgent = urgent(req);
        PlanShape.Shape shape = PlanShape.of(req, segmentSize, filtered, urgent);
        List<String> targets = shape.targets();
        List<List<String>> cut = shape.segments();
        Integer uncapped = shape.uncapped();
        String planDigest = shape.planDigest();

        RunReason reason = req.reason().correlationId() == null
                ? req.reason().withCorrelationId(UUID.nameUUIDFromBytes((req.tenantId() + planDigest + now).getBytes()).toString())
                : req.reason();
        String runId = ids.next(req.tenantId(), now);
        List<String> priorityTargets = new ArrayList<>();
        for (String d : filtered) if (urgent.contains(d)) priorityTargets.add(d);
        List<String> cappedTargets = new ArrayList<>();
        if (uncapped != null) {
            Set<String> kept = new HashSet<>(targets);
            for (String d : filtered) if (!kept.contains(d)) cappedTargets.add(d);
        }
        PlanInputs inputs = new PlanInputs(impact.indexBuiltAt(), cursors(req.tenantId()), req.selector(), req.purls(),
                req.allImages(), req.usageOnly(), req.priorityPurls(), req.onlyIfLastReportOlderThanDays(),
                segmentSize, req.maxJobs(), now, runId.substring(runId.lastIndexOf(':') + 1), cappedTargets,
                priorityTargets);
        Run run = new Run(runId, req.tenantId(), req.scheduleId(), req.trigger(), req.mode(), RunState.PLANNING,
                reason, now, null, null, null, req.retryOf(), planDigest, cut.size(), impact.total(), targets.size(), 0,
                inputs);
        runs.insert(run);
        List<Segment> segs = new ArrayList<>(cut.size());
        for (int i = 0; i < cut.size(); i++) {
            segs.add(new Segment(runId, i, req.tenantId(), req.scheduleId(), cut.get(i), SegmentState.QUEUED, 0,
                    null, null, null, 0, null, null, now, 0));
        }
        segments.insertAll(segs);
        lifecycle.planned(run, segs);
        if (segs.isEmpty()) {
            run = lifecycle.transition(run, RunState.COMPLETED, null);
            lifecycle.log(run, "info", "no_work: nothing to evaluate (" + impact.total() + " candidates)");
            return new PlannedRun(run, segs, impact);
        }
        run = lifecycle.transition(run, RunState.QUEUED, null);
        List<SegmentRef> refs = new ArrayList<>(segs.size());
        for (Segment s : segs) refs.add(new SegmentRef(s.tenantId(), s.runId(), s.index(), s.scheduleId()));
        queue.enqueueAll(refs, now); // one transaction or a few round trips, not one per segment
        lifecycle.log(run, "info", "planned " + targets.size() + " targets in " + segs.size() + " segments, plan "
                + planDigest);
        if (uncapped != null) {
            lifecycle.log(run, "warn", "limits.maxJobs " + req.maxJobs() + " capped the run at " + targets.size()
                    + " of " + uncapped + " targets (the rest waits for the next run)");
        }
        return new PlannedRun(run, segs, impact); // run.started was stored with the queued transition
    }

    private List<String> filter(PlanRequest req, ImpactSet impact, Instant now) {
        Set<String> inFlight = inFlightTargets(req);
        Instant freshAfter = req.onlyIfLastReportOlderThanDays() == null ? null
                : now.minus(Duration.ofDays(req.onlyIfLastReportOlderThanDays()));
        List<String> out = new ArrayList<>(impact.images().size());
        for (ImpactedImage img : impact.images()) {
            if (inFlight.contains(img.imageDigest())) continue;
            if (freshAfter != null) {
                Optional<ScanReport> last = verdicts.latest(req.tenantId(), img.imageDigest());
                if (last.isPresent() && last.get().generatedAt().isAfter(freshAfter)) continue;
            }
            out.add(img.imageDigest());
        }
        return out;
    }

    /** Images already waiting in a non-terminal run planned for the same cause are not queued twice. */
    private Set<String> inFlightTargets(PlanRequest req) {
        String key = req.reason().dedupKey(req.trigger());
        if (key == null) return Set.of();
        Set<String> out = new HashSet<>();
        for (Run r : runs.active()) {
            if (!r.tenantId().equals(req.tenantId()) || !key.equals(r.reason().dedupKey(r.trigger()))) continue;
            for (Segment s : segments.forRun(r.id())) {
                if (!s.state().isTerminal()) out.addAll(s.digests());
            }
        }
        return out;
    }

    /** Images containing a priority purl (KEV or critical): queued first. */
    private Set<String> urgent(PlanRequest req) {
        if (req.priorityPurls().isEmpty()) return Set.of();
        Set<String> urgent = new HashSet<>();
        for (ImpactedImage i : index.resolve(ImpactQuery.forPurls(req.tenantId(), req.priorityPurls(),
                req.selector(), req.usageOnly())).images()) {
            urgent.add(i.imageDigest());
        }
        return urgent;
    }

    /** The intake cursors as they stand at planning, recorded so the run's evidence shows them. */
    private Map<String, String> cursors(String tenantId) {
        Map<String, String> out = new TreeMap<>();
        if (cursors == null) return out;
        for (String source : CURSOR_SOURCES) {
            cursors.find(tenantId, source).map(Cursor::lastEventId).ifPresent(id -> out.put(source, id));
        }
        return out;
    }
}
