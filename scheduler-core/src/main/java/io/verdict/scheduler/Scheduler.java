package io.verdict.scheduler;

import io.verdict.scheduler.audit.AuditTrail;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.SegmentWorker;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImpactIndex;
import io.verdict.scheduler.impact.ImpactSet;
import io.verdict.scheduler.impact.IndexFollower;
import io.verdict.scheduler.intake.AdvisoryCatalog;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.intake.IntakeResult;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.planning.Planner;
import io.verdict.scheduler.planning.RunIdGenerator;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.schedules.ActiveRuns;
import io.verdict.scheduler.schedules.Caller;
import io.verdict.scheduler.schedules.OnlyIfCondition;
import io.verdict.scheduler.schedules.PlanningFirer;
import io.verdict.scheduler.schedules.ScheduleService;
import io.verdict.scheduler.schedules.ScheduleTicker;
import io.verdict.scheduler.schedules.TickReport;
import io.verdict.scheduler.usecases.CancelRun;
import io.verdict.scheduler.usecases.IndexImage;
import io.verdict.scheduler.usecases.IngestEvent;
import io.verdict.scheduler.usecases.RemoveImage;
import io.verdict.scheduler.usecases.RunQueries;
import io.verdict.scheduler.usecases.UseCases;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The scheduler as an embedding service or an adapter sees it: the inbound {@link UseCases} (one per activity),
 * the read side ({@link RunQueries}), and the background work of the process (workers, cron) as its
 * {@link SchedulerRole} allows. Built from an immutable {@link SchedulerConfig}; thread-safe. It hands out no
 * store, queue, lock service, lifecycle or index: adapters go through use cases and queries.
 */
public final class Scheduler implements AutoCloseable {
    private final SchedulerConfig config;
    private final ImpactIndex index;
    private final Planner planner;
    private final UseCases useCases;
    private final SchedulerProcess process;
    private final IndexFollower follower;
    private final Optional<io.verdict.scheduler.usecases.OutboundEvents> outboundEvents;

    Scheduler(SchedulerConfig c) {
        this(c, false);
    }

    /** @param indexInBackground load the impact index on a thread of its own (see {@link SchedulerBuilder#loadIndexInBackground}) */
    Scheduler(SchedulerConfig c, boolean indexInBackground) {
        this.config = c;
        Storage storage = c.storage();
        this.index = new ImpactIndex(c.clock());
        RunLifecycle lifecycle = new RunLifecycle(storage.runs(), storage.segments(), storage.progress(), c.queue(),
                storage.events(), c.notifier(), c.metrics(), c.clock(), c.evidenceSigner(), c.unitOfWork());
        this.planner = new Planner(index, storage.runs(), storage.segments(), c.queue(), c.locks(), storage.verdicts(),
                lifecycle, new RunIdGenerator(c.seed()), c.clock(), c.metrics(), c.segmentSize(), c.maxIndexAge(),
                c.instanceId(), storage.cursors());
        this.follower = new IndexFollower(storage.images(), index, c.clock(), IndexFollower.DEFAULT_OVERLAP);
        // A worker process executes planned segments and never resolves impact: it does not load the index.
        if (c.role().plans()) {
            if (indexInBackground) follower.prepareBackgroundLoad(); else follower.load();
        }
        ScheduleService schedules = new ScheduleService(storage.schedules(), c.tickLedger(), storage.audit(), c.clock());
        ScheduleTicker ticker = new ScheduleTicker(storage.schedules(), c.tickLedger(), c.locks(),
                new PlanningFirer(this::plan), ActiveRuns.of(storage.runs()), OnlyIfCondition.latestPolicyRevision(storage.runs()),
                c.tickerSettings(), c.instanceId());
        this.useCases = UseCases.wire(new UseCases.Wiring(storage, c.queue(), index, planner, lifecycle, schedules,
                new AdvisoryCatalog(storage.advisories()), new AuditTrail(storage.audit(), c.clock()), c.retryPolicy(),
                c.evidenceSigner(), c.clock(), c.intakeRate().perSecond(), c.intakeRate().burst()));
        this.process = new SchedulerProcess(c, lifecycle, ticker, follower);
        this.outboundEvents = io.verdict.scheduler.usecases.OutboundEvents.of(c.dispatcher(),
                new AuditTrail(storage.audit(), c.clock()), c.clock());
    }

    public static SchedulerBuilder builder() {
        return new SchedulerBuilder();
    }

    /** Builds a scheduler from a complete configuration. */
    public static Scheduler create(SchedulerConfig config) {
        return create(config, false);
    }

    static Scheduler create(SchedulerConfig config, boolean indexInBackground) {
        Scheduler scheduler = new Scheduler(config, indexInBackground);
        if (config.dispatcher() != null) config.dispatcher().start();
        return scheduler;
    }

    // ---- use cases and reads --------------------------------------------------------------------------------

    /** The inbound use cases; planning ones refuse in a worker-only process. */
    public UseCases useCases() {
        return useCases;
    }

    public RunQueries queries() {
        return useCases.queries();
    }

    /** Create, change, pause, resume schedules; list their tick decisions. */
    public ScheduleService schedules() {
        return useCases.schedules();
    }

    // ---- conveniences for embedding (each one use case or query) ------------------------------------------

    /** Indexes (or re-indexes) an image's SBOM components, durably, as the system actor. */
    public void indexImage(ImageRecord image) {
        useCases.indexImage().execute(new IndexImage.Command(new Caller(image.tenantId(), "system", null), image));
    }

    public boolean removeImage(String tenantId, String digest) {
        return useCases.removeImage().execute(new RemoveImage.Command(new Caller(tenantId, "system", null), digest))
                instanceof RemoveImage.Result.Removed;
    }

    /**
     * Applies images indexed or removed through other instances now (the process also does it every
     * {@code indexFollowPeriod}); returns how many changed this instance's index.
     */
    public int refreshIndex() {
        process.requirePlanning("follow the impact index");
        return follower.follow();
    }

    /** Marks the index as in sync with its source now (after a full load of SBOMs). */
    public void markIndexRefreshed() {
        index.markRefreshed();
    }

    public Instant indexBuiltAt() {
        return index.builtAt();
    }

    /** Images of every tenant in this instance's index. */
    /** An indexed image as the impact index holds it (what a partial re-index keeps: registry, tags, labels). */
    public Optional<ImageRecord> indexedImage(String tenantId, String digest) {
        return index.image(tenantId, digest);
    }

    /**
     * Starts loading the impact index on a thread of its own, when built with
     * {@link SchedulerBuilder#loadIndexInBackground(boolean)} (otherwise, or once started, nothing happens). Until
     * the load is done, every index read and write — preview, planning, indexing, the follower, cron — waits.
     */
    public void loadIndexInBackground() {
        follower.startBackgroundLoad();
    }

    /**
     * Starts the background load if it is pending and waits until the index is loaded: for a caller about to use
     * the index while it holds a store transaction (the load's own store read could wait for that transaction).
     */
    public void awaitIndexLoaded() {
        follower.startBackgroundLoad();
        index.awaitLoad();
    }

    /** False while the impact index is still loading at start-up (or its load failed); readiness reports it. */
    public boolean indexLoaded() {
        return index.isLoaded();
    }

    public int indexedImages() {
        return index.size();
    }

    /** Images of the tenant in this instance's index. */
    public int indexedImages(String tenantId) {
        return index.size(tenantId);
    }

    /** Records a verdict obtained outside a run (a baseline imported with the estate). */
    public void importVerdict(String tenantId, ScanReport report) {
        config.storage().verdicts().save(tenantId, report);
    }

    public Optional<ScanReport> latestVerdict(String tenantId, String digest) {
        return config.storage().verdicts().latest(tenantId, digest);
    }

    /** Which images a request would touch, creating nothing. */
    public ImpactSet preview(PlanRequest request) {
        process.requirePlanning("plan");
        return planner.preview(request);
    }

    /** Plans a run for a request as given (the use cases build their requests and plan through here). */
    public PlannedRun plan(PlanRequest request) {
        process.requirePlanning("plan");
        return planner.plan(request);
    }

    /** Ingests an event as the system actor (see {@link IngestEvent}); a spent intake budget is an error here. */
    public IntakeResult intake(IntakeEvent event) {
        process.requirePlanning("plan");
        IngestEvent.Result r = useCases.ingestEvent().execute(new IngestEvent.Command(
                new Caller(event.tenantId(), "system", null), event.eventId(), event.source(), event.purls(),
                event.vulnerabilityIds(), event.priorityPurls(), event.exportId(), event.occurredAt()));
        return switch (r) {
            case IngestEvent.Result.Accepted a -> new IntakeResult(a.eventId(), a.runId(), a.duplicate());
            case IngestEvent.Result.RateLimited l -> throw new IllegalStateException("intake rate limit: retry after " + l.retryAfter());
            case IngestEvent.Result.CatalogFull f -> throw new IllegalStateException("advisory catalog full (" + f.maxIdsPerTenant() + " IDs)");
        };
    }

    public Run run(String tenantId, String runId) {
        return queries().run(tenantId, runId);
    }

    /** A run's stats from the read model (counters maintained as segments change state). */
    public RunStats stats(Run run) {
        return queries().stats(run);
    }

    /** Stats of a page of runs, in one read-model query. */
    public java.util.Map<String, RunStats> stats(List<Run> runs) {
        return queries().stats(runs);
    }

    /** Unfinished work per tenant, schedule and mode (the console's queue card and the backlog gauges). */
    public List<io.verdict.scheduler.progress.Backlog> backlog() {
        return queries().backlog();
    }

    /**
     * Repairs read-model counters that drifted from the segments (a crash between a segment write and its counter
     * update) and finishes runs whose segments all ended; idle workers do this every 10 s. Returns the runs repaired.
     */
    public int repairReadModel() {
        return process.repairReadModel();
    }

    /** Re-enqueues segments the store holds as queued (or leased with an expired lease); see QueueReconciler. */
    public int reconcileQueue() {
        return process.reconcileQueue();
    }

    public List<Segment> segments(Run run) {
        return queries().segments(run);
    }

    public List<DeltaSummary> deltas(Run run) {
        return queries().deltas(run);
    }

    public Page<Run> runs(RunFilter filter, String cursor, int limit) {
        return queries().runs(filter, cursor, limit);
    }

    public Run cancel(String tenantId, String runId, String actor) {
        return useCases.cancelRun().execute(new CancelRun.Command(new Caller(tenantId, actor, null), runId)).run();
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

    /** The public key of the evidence signer (bundles, completion events); null without a signer. */
    public io.verdict.scheduler.evidence.SigningKey evidenceKey() {
        return config.evidenceSigner() == null ? null : config.evidenceSigner().publicKey();
    }

    /** The tenant feed, dead letters and replay of outbound events; empty unless the builder was given an outbox. */
    public Optional<io.verdict.scheduler.usecases.OutboundEvents> outboundEvents() {
        return outboundEvents;
    }

    /** Delivers the outbox; null unless the builder was given one. */
    public io.verdict.scheduler.events.outbox.OutboxDispatcher dispatcher() {
        return config.dispatcher();
    }

    /** True when an evidence signer is configured. */
    public boolean signsEvidence() {
        return useCases.sealEvidence().available();
    }

    // ---- background work ------------------------------------------------------------------------------------

    /**
     * Starts what the role runs: workers (unless api-only, after re-enqueueing unfinished runs), cron and the index
     * follower (unless worker-only).
     */
    public void start(int workers) {
        process.start(workers);
    }

    /** Runs one cron tick now (fires due schedules once cluster-wide) and reports the planner heartbeat. */
    public TickReport tick() {
        return process.tick();
    }

    /** Ticks every {@code TickerSettings.tickInterval()} on a daemon thread until {@link #close()}. */
    public void startCron() {
        process.startCron();
    }

    public boolean cronRunning() {
        return process.cronRunning();
    }

    /** Starts {@code count} worker threads in this process. */
    public void startWorkers(int count) {
        process.startWorkers(count);
    }

    public boolean workersRunning() {
        return process.workersRunning();
    }

    /** One worker over this scheduler's ports, driven by the caller (tests, reference runs). */
    public SegmentWorker newWorker(String workerId) {
        return process.newWorker(workerId);
    }

    /** Re-enqueues waiting segments of unfinished runs (idempotent); see {@link SchedulerProcess}. */
    public int resumeUnfinishedRuns() {
        return process.resumeUnfinishedRuns();
    }

    public Clock clock() {
        return config.clock();
    }

    /** Graceful: stops claiming and lets workers finish the segments in hand. */
    @Override
    public void close() {
        process.close();
        if (config.dispatcher() != null) config.dispatcher().close(); // after the workers: their last events are stored
    }
}
