package io.verdict.scheduler;

import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.errors.NotFoundException;
import io.verdict.scheduler.errors.SchedulerException;
import io.verdict.scheduler.events.Notifier;
import io.verdict.scheduler.evidence.EvidenceBundle;
import io.verdict.scheduler.execution.Backpressure;
import io.verdict.scheduler.execution.RateLimiter;
import io.verdict.scheduler.execution.Scanner;
import io.verdict.scheduler.execution.SegmentWorker;
import io.verdict.scheduler.execution.WorkerPool;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImpactIndex;
import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.intake.IntakeResult;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.planning.Planner;
import io.verdict.scheduler.planning.RunIdGenerator;
import io.verdict.scheduler.queue.LockService;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunProgress;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.schedules.ActiveRuns;
import io.verdict.scheduler.schedules.OnlyIfCondition;
import io.verdict.scheduler.schedules.PlanningFirer;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleService;
import io.verdict.scheduler.schedules.ScheduleTicker;
import io.verdict.scheduler.schedules.TickReport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The scheduler as an embedding service sees it: index SBOMs, take advisory/VEX deltas, plan and run
 * re-evaluations, watch and steer runs. Built from ports by {@link SchedulerBuilder}; thread-safe.
 */
public final class Scheduler implements AutoCloseable {
    private final SchedulerBuilder config;
    private final Storage storage;
    private final ImpactIndex index;
    private final Planner planner;
    private final RunLifecycle lifecycle;
    private final Backpressure backpressure;
    private final Map<String, RateLimiter> rateLimiters = new ConcurrentHashMap<>();
    private volatile WorkerPool workers;
    private final ScheduleService schedules;
    private final ScheduleTicker ticker;
    private volatile java.util.concurrent.ScheduledExecutorService cron;
    private final io.verdict.scheduler.execution.QueueReconciler reconciler;

    Scheduler(SchedulerBuilder b) {
        this.config = b;
        this.storage = b.storage;
        this.index = new ImpactIndex(b.clock);
        this.lifecycle = new RunLifecycle(storage.runs(), storage.segments(), storage.progress(), b.queue,
                storage.events(), b.notifier, b.metrics, b.clock, b.evidenceSigner);
        this.planner = new Planner(index, storage.runs(), storage.segments(), b.queue, b.locks, storage.verdicts(),
                lifecycle, new RunIdGenerator(b.seed), b.clock, b.metrics, b.segmentSize, b.maxIndexAge, b.instanceId);
        this.backpressure = new Backpressure(Duration.ofMillis(20), Duration.ofSeconds(2));
        this.reconciler = new io.verdict.scheduler.execution.QueueReconciler(storage.runs(), storage.segments(), b.queue,
                b.clock, io.verdict.scheduler.execution.QueueReconciler.intervalFor(b.leaseTime));
        if (b.loadIndex) index.loadAll(storage.images().loadAll(), null);
        this.schedules = new ScheduleService(storage.schedules(), b.tickLedger, storage.audit(), b.clock);
        this.ticker = new ScheduleTicker(storage.schedules(), b.tickLedger, b.locks, new PlanningFirer(planner::plan),
                ActiveRuns.of(storage.runs()), OnlyIfCondition.latestPolicyRevision(storage.runs()), b.tickerSettings, b.instanceId);
    }

    public static SchedulerBuilder builder() {
        return new SchedulerBuilder();
    }

    // ---- impact index -------------------------------------------------------------------------------------

    /** Indexes (or re-indexes) an image's SBOM components, durably. */
    public void indexImage(ImageRecord image) {
        storage.images().save(image);
        index.upsert(image);
    }

    public boolean removeImage(String tenantId, String digest) {
        boolean stored = storage.images().delete(tenantId, digest);
        return index.remove(tenantId, digest) || stored;
    }

    public ImpactIndex index() {
        return index;
    }

    /** Which images a request would touch, creating nothing. */
    public ImpactSet preview(PlanRequest request) {
        return planner.preview(request);
    }

    // ---- runs ---------------------------------------------------------------------------------------------

    public PlannedRun plan(PlanRequest request) {
        return planner.plan(request);
    }

    /**
     * Takes an advisory/VEX delta: plans the run for the purls it changed unless the event was seen before; the
     * source's cursor advances only after the run is planned, so a crash in between replays the event.
     */
    public IntakeResult intake(IntakeEvent event) {
        Optional<String> seen = storage.cursors().processedEvent(event.tenantId(), event.eventId());
        if (seen.isPresent()) {
            return new IntakeResult(event.eventId(), seen.get().isEmpty() ? Optional.empty() : seen, true);
        }
        var trigger = switch (event.source()) {
            case CONCELIER -> io.verdict.scheduler.runs.Trigger.CONCELIER;
            case EXCITITOR -> io.verdict.scheduler.runs.Trigger.EXCITITOR;
            case POLICY -> io.verdict.scheduler.runs.Trigger.POLICY;
        };
        RunReason reason = new RunReason(null,
                event.source() == IntakeEvent.Source.CONCELIER ? event.exportId() : null,
                event.source() == IntakeEvent.Source.EXCITITOR ? event.exportId() : null,
                event.eventId(), null, event.occurredAt() == null ? null : event.occurredAt().toString(),
                event.source() == IntakeEvent.Source.POLICY ? event.exportId() : null, null);
        PlannedRun planned = planner.plan(new PlanRequest(event.tenantId(), trigger, null, null, event.purls(),
                event.source() == IntakeEvent.Source.POLICY && event.purls().isEmpty(), false, reason, null, null,
                event.priorityPurls(), null));
        String runId = planned.run().id();
        if (!storage.cursors().markProcessed(event.tenantId(), event.eventId(), runId)) {
            // A concurrent delivery of the same event won; our run is a duplicate: cancel it quietly.
            lifecycle.cancel(runId, "intake-dedup");
            String winner = storage.cursors().processedEvent(event.tenantId(), event.eventId()).orElse("");
            return new IntakeResult(event.eventId(), winner.isEmpty() ? Optional.empty() : Optional.of(winner), true);
        }
        storage.cursors().save(new Cursor(event.tenantId(), event.source().wire(), event.eventId(),
                event.occurredAt() == null ? config.clock.instant() : event.occurredAt()));
        return new IntakeResult(event.eventId(), Optional.of(runId), false);
    }

    /** A run of the tenant; another tenant's run is reported as not found. */
    public Run run(String tenantId, String runId) {
        return storage.runs().find(runId).filter(r -> r.tenantId().equals(tenantId))
                .orElseThrow(() -> new NotFoundException("run " + runId));
    }

    /** A run's stats from the read model (counters maintained as segments change state). */
    public RunStats stats(Run run) {
        return lifecycle.stats(run);
    }

    /** Stats of a page of runs, in one read-model query. */
    public Map<String, RunStats> stats(List<Run> runs) {
        return lifecycle.stats(runs);
    }

    /** Unfinished work per tenant, schedule and mode (the console's queue card and the backlog gauges). */
    public List<io.verdict.scheduler.progress.Backlog> backlog() {
        return lifecycle.backlog();
    }

    public List<Segment> segments(Run run) {
        return storage.segments().forRun(run.id());
    }

    public List<DeltaSummary> deltas(Run run) {
        return storage.deltas().forRun(run.id());
    }

    public Page<Run> runs(RunFilter filter, String cursor, int limit) {
        return storage.runs().list(filter, cursor, limit);
    }

    public Run cancel(String tenantId, String runId, String actor) {
        Run run = run(tenantId, runId);
        Run out = lifecycle.cancel(run.id(), actor);
        audit(tenantId, actor, "run.cancel", runId, out.reason().correlationId());
        return out;
    }

    /** Plans a new run over the same targets as a terminal run, linked by {@code retryOf}. */
    public PlannedRun retry(String tenantId, String runId, String actor) {
        Run old = run(tenantId, runId);
        if (!old.state().isTerminal()) {
            throw new SchedulerException(ErrorCode.ERR_API_409, "run " + runId + " is " + old.state().wire()
                    + "; only terminal runs can be retried");
        }
        Set<String> digests = storage.segments().forRun(old.id()).stream()
                .flatMap(s -> s.digests().stream()).collect(Collectors.toCollection(java.util.TreeSet::new));
        var selector = new io.verdict.scheduler.impact.Selector(io.verdict.scheduler.impact.Selector.Scope.BY_DIGEST,
                tenantId, null, null, List.copyOf(digests), null, null, false);
        RunReason reason = new RunReason("retry of " + runId, null, null, null, null, null,
                old.reason().policyRevision(), null);
        PlannedRun planned = planner.plan(PlanRequest.sweep(tenantId, old.trigger(), old.mode(), selector, reason,
                old.scheduleId()).withRetryOf(old.id()));
        audit(tenantId, actor, "run.retry", runId, planned.run().reason().correlationId());
        return planned;
    }

    /**
     * Re-queues one dead or waiting segment of a run still in progress, once its retry cooldown has passed.
     */
    public Segment retrySegment(String tenantId, String runId, int index, String actor) {
        Run run = run(tenantId, runId);
        if (run.state().isTerminal()) {
            throw new SchedulerException(ErrorCode.ERR_API_409, "run " + runId + " is " + run.state().wire());
        }
        Segment seg = storage.segments().find(runId, index).orElseThrow(() -> new NotFoundException("segment " + index));
        Instant now = config.clock.instant();
        if (seg.state() != SegmentState.DEAD && seg.state() != SegmentState.QUEUED) {
            throw new SchedulerException(ErrorCode.ERR_API_409, "segment " + index + " is " + seg.state().wire());
        }
        if (seg.updatedAt() != null && seg.updatedAt().plus(config.retryPolicy.cooldown()).isAfter(now)) {
            throw new SchedulerException(ErrorCode.ERR_API_429, "segment " + index + " is cooling down until "
                    + seg.updatedAt().plus(config.retryPolicy.cooldown()));
        }
        Segment queued = seg.state() == SegmentState.DEAD ? lifecycle.moveSegment(seg, seg.with(SegmentState.QUEUED, now)) : seg;
        config.queue.enqueue(new SegmentRef(tenantId, runId, index, seg.scheduleId()), now);
        audit(tenantId, actor, "segment.retry", runId + "#" + index, run.reason().correlationId());
        lifecycle.segmentEvent(queued, run, null);
        return queued;
    }

    /** Blocks until the run reaches a terminal state or the timeout passes; returns the last state seen. */
    public Run awaitTerminal(String tenantId, String runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Run run = run(tenantId, runId);
        while (!run.state().isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            run = run(tenantId, runId);
        }
        return run;
    }

    // ---- evidence -----------------------------------------------------------------------------------------

    /** The public key of the evidence signer (bundles, completion events); null without a signer. */
    public io.verdict.scheduler.evidence.SigningKey evidenceKey() {
        return config.evidenceSigner == null ? null : config.evidenceSigner.publicKey();
    }

    /** True when an evidence signer is configured. */
    public boolean signsEvidence() {
        return config.evidenceSigner != null;
    }

    /**
     * The signed evidence bundle of a terminal run as a deterministic tar.gz (manifest, deltas, findings CSV,
     * policy summary, DSSE attestation). Same run and key, same bytes.
     */
    public byte[] evidenceBundle(String tenantId, String runId) {
        if (config.evidenceSigner == null) {
            throw new SchedulerException(ErrorCode.ERR_API_409, "no evidence signing key is configured");
        }
        Run run = run(tenantId, runId);
        if (!run.state().isTerminal()) {
            throw new SchedulerException(ErrorCode.ERR_API_409, "run " + runId + " is " + run.state().wire()
                    + "; evidence is sealed when the run ends");
        }
        List<Segment> segs = storage.segments().forRun(run.id());
        return EvidenceBundle.tarGz(EvidenceBundle.files(run, RunProgress.stats(run, segs), segs,
                // The index stamp at planning time is not recorded on the run yet; the live stamp would make the
                // bundle change with every SBOM update, so it is left out rather than misreported.
                storage.deltas().forRun(run.id()), null, config.evidenceSigner));
    }

    // ---- schedules ----------------------------------------------------------------------------------------

    /** Create, change, pause, resume schedules; list their tick decisions. */
    public ScheduleService schedules() {
        return schedules;
    }

    /** Runs one cron tick now (fires due schedules once cluster-wide) and reports the planner heartbeat. */
    public TickReport tick() {
        TickReport report = ticker.tick(config.clock.instant());
        config.metrics.plannerHeartbeat();
        return report;
    }

    /** Ticks every {@code TickerSettings.tickInterval()} on a daemon thread until {@link #close()}. */
    public synchronized void startCron() {
        if (cron != null) return;
        cron = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("scheduler-cron").daemon(true).factory());
        long every = config.tickerSettings.tickInterval().toMillis();
        cron.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                System.getLogger("scheduler.cron").log(System.Logger.Level.WARNING, "cron tick failed: " + e);
            }
        }, 0, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    // ---- workers ------------------------------------------------------------------------------------------

    /** Starts {@code count} worker threads in this process. */
    public synchronized void startWorkers(int count) {
        if (workers != null) throw new IllegalStateException("workers already started");
        workers = new WorkerPool(count, i -> newWorker(config.instanceId + "-w" + i), Duration.ofMillis(25),
                this::housekeeping);
    }

    /** Re-enqueues segments the store holds as queued (or leased with an expired lease); see QueueReconciler. */
    public int reconcileQueue() {
        return reconciler.reconcile();
    }

    public SegmentWorker newWorker(String workerId) {
        return new SegmentWorker(workerId, config.queue, storage.segments(), storage.runs(), storage.deltas(),
                storage.verdicts(), storage.progress(), config.scanner, lifecycle, config.retryPolicy,
                config.leaseTime, config.clock, backpressure, this::limits);
    }

    private volatile long lastReconcile = System.nanoTime();

    /** Idle workers reclaim expired leases; at most every 10 s one also repairs drifted read-model counters. */
    private void housekeeping() {
        config.queue.reclaimExpired();
        reconciler.maybeReconcile(); // the store is the truth: re-enqueue what a lossy queue dropped
        long now = System.nanoTime();
        if (now - lastReconcile > 10_000_000_000L) {
            lastReconcile = now;
            lifecycle.reconcile();
        }
    }

    private io.verdict.scheduler.execution.RunLimits limits(Run run) {
        if (run.scheduleId() == null) return io.verdict.scheduler.execution.RunLimits.NONE;
        Optional<Schedule> s = storage.schedules().find(run.tenantId(), run.scheduleId());
        if (s.isEmpty()) return io.verdict.scheduler.execution.RunLimits.NONE;
        Schedule.Limits l = s.get().limits();
        Optional<RateLimiter> limiter = l.ratePerSecond() == null ? Optional.empty()
                : Optional.of(rateLimiters.computeIfAbsent(run.scheduleId(),
                        k -> new RateLimiter(l.ratePerSecond(), l.burst() == null ? 1 : l.burst())));
        return new io.verdict.scheduler.execution.RunLimits(limiter, l.parallelism());
    }

    /**
     * Puts every waiting segment of unfinished runs back in the queue (after a restart of an embedded node whose
     * queue lived in memory). Enqueue is idempotent, so calling it with a durable queue is harmless.
     */
    public int resumeUnfinishedRuns() {
        int n = 0;
        Instant now = config.clock.instant();
        for (Run r : storage.runs().active()) {
            List<Segment> segs = storage.segments().forRun(r.id());
            storage.progress().rebuild(r, segs); // counters left half-written by a crash are re-derived
            for (Segment s : segs) {
                if (s.state().isTerminal()) continue;
                Instant at = s.nextAttemptAt() != null && s.nextAttemptAt().isAfter(now) ? s.nextAttemptAt() : now;
                config.queue.enqueue(new SegmentRef(s.tenantId(), s.runId(), s.index(), s.scheduleId()), at);
                n++;
            }
            lifecycle.maybeFinish(r.id());
        }
        return n;
    }

    public void audit(String tenantId, String actor, String action, String target, String correlationId) {
        storage.audit().append(new AuditRecord(tenantId, actor, action, target, config.clock.instant(),
                correlationId, Map.of()));
    }

    public Storage storage() {
        return storage;
    }

    public SegmentQueue queue() {
        return config.queue;
    }

    public LockService locks() {
        return config.locks;
    }

    public Clock clock() {
        return config.clock;
    }

    public RunLifecycle lifecycle() {
        return lifecycle;
    }

    /** Delivers the outbox; null unless the builder was given one. */
    public io.verdict.scheduler.events.outbox.OutboxDispatcher dispatcher() {
        return config.dispatcher;
    }

    public Notifier notifier() {
        return config.notifier;
    }

    public Scanner scanner() {
        return config.scanner;
    }

    public RetryPolicy retryPolicy() {
        return config.retryPolicy;
    }

    public int segmentSize() {
        return planner.segmentSize();
    }

    public SchedulerMetrics metrics() {
        return config.metrics;
    }

    public String instanceId() {
        return config.instanceId;
    }

    /** Graceful: stops claiming and lets workers finish the segments in hand. */
    @Override
    public synchronized void close() {
        if (cron != null) {
            cron.shutdownNow();
            cron = null;
        }
        if (workers != null) {
            workers.stop(config.shutdownGrace);
            workers = null;
        }
        if (config.dispatcher != null) config.dispatcher.close(); // after the workers: their last events are stored
    }

    public static boolean isTerminal(RunState s) {
        return s.isTerminal();
    }
}
