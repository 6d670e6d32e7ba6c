package io.verdict.scheduler;

import io.verdict.scheduler.execution.Backpressure;
import io.verdict.scheduler.execution.QueueReconciler;
import io.verdict.scheduler.execution.RateLimiter;
import io.verdict.scheduler.execution.RunLimits;
import io.verdict.scheduler.execution.SegmentWorker;
import io.verdict.scheduler.execution.WorkerPool;
import io.verdict.scheduler.impact.IndexFollower;
import io.verdict.scheduler.lifecycle.RunLifecycle;
import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.schedules.Schedule;
import io.verdict.scheduler.schedules.ScheduleTicker;
import io.verdict.scheduler.schedules.TickReport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The background work of one scheduler process — segment workers, the cron ticker — started as the process's
 * {@link SchedulerRole} allows: a {@code WORKER} never ticks, an {@code API} runs no workers.
 */
final class SchedulerProcess implements AutoCloseable {
    private final SchedulerConfig config;
    private final RunLifecycle lifecycle;
    private final ScheduleTicker ticker;
    private final IndexFollower follower;
    private final Backpressure backpressure = new Backpressure(Duration.ofMillis(20), Duration.ofSeconds(2));
    private final Map<String, RateLimiter> rateLimiters = new ConcurrentHashMap<>();
    private final QueueReconciler reconciler;
    private WorkerPool workers;
    private ScheduledExecutorService cron;
    private ScheduledExecutorService indexPoller;

    SchedulerProcess(SchedulerConfig config, RunLifecycle lifecycle, ScheduleTicker ticker, IndexFollower follower) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.ticker = ticker;
        this.follower = follower;
        this.reconciler = new QueueReconciler(config.storage().runs(), config.storage().segments(), config.queue(),
                config.clock(), QueueReconciler.intervalFor(config.leaseTime()));
    }

    /** Starts what the role runs: {@code workers} worker threads unless API-only, cron unless worker-only. */
    synchronized void start(int workerCount) {
        if (config.role().executes() && workerCount > 0) {
            resumeUnfinishedRuns();
            startWorkers(workerCount);
        }
        if (config.role().plans()) {
            startCron();
            startFollowingIndex();
        }
    }

    /** Applies other instances' image changes every {@code indexFollowPeriod} (planning roles only; zero: never). */
    synchronized void startFollowingIndex() {
        requirePlanning("follow the impact index");
        if (indexPoller != null || config.indexFollowPeriod().isZero()) return;
        indexPoller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("scheduler-index").daemon(true).factory());
        long every = config.indexFollowPeriod().toMillis();
        indexPoller.scheduleWithFixedDelay(() -> {
            try {
                follower.follow();
            } catch (RuntimeException e) {
                System.getLogger("scheduler.index").log(System.Logger.Level.WARNING, "index follow failed: " + e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    TickReport tick() {
        requirePlanning("tick cron");
        TickReport report = ticker.tick(config.clock().instant());
        config.metrics().plannerHeartbeat();
        return report;
    }

    synchronized void startCron() {
        requirePlanning("tick cron");
        if (cron != null) return;
        cron = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("scheduler-cron").daemon(true).factory());
        long every = config.tickerSettings().tickInterval().toMillis();
        cron.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                System.getLogger("scheduler.cron").log(System.Logger.Level.WARNING, "cron tick failed: " + e);
            }
        }, 0, every, TimeUnit.MILLISECONDS);
    }

    synchronized boolean cronRunning() {
        return cron != null;
    }

    synchronized void startWorkers(int count) {
        if (!config.role().executes()) throw new IllegalStateException("an api process runs no workers (role api)");
        if (workers != null) throw new IllegalStateException("workers already started");
        workers = new WorkerPool(count, i -> newWorker(config.instanceId() + "-w" + i), Duration.ofMillis(25),
                this::housekeeping);
    }

    /** Re-enqueues segments the store holds as queued (or leased with an expired lease); see QueueReconciler. */
    int reconcileQueue() {
        return reconciler.reconcile();
    }

    int repairReadModel() {
        return lifecycle.reconcile();
    }

    private volatile long lastReconcile = System.nanoTime();

    /** Idle workers reclaim expired leases; at most every 10 s one also repairs drifted read-model counters. */
    private void housekeeping() {
        config.queue().reclaimExpired();
        reconciler.maybeReconcile(); // the store is the truth: re-enqueue what a lossy queue dropped
        long now = System.nanoTime();
        if (now - lastReconcile > 10_000_000_000L) {
            lastReconcile = now;
            lifecycle.reconcile();
        }
    }

    synchronized boolean workersRunning() {
        return workers != null;
    }

    SegmentWorker newWorker(String workerId) {
        Storage s = config.storage();
        return new SegmentWorker(workerId, config.queue(), s.segments(), s.runs(), s.deltas(), s.verdicts(),
                s.progress(), config.scanner(), lifecycle, config.retryPolicy(), config.leaseTime(), config.clock(),
                backpressure, this::limits, config.unitOfWork());
    }

    /** A schedule's rate limit (one bucket per schedule, shared by this process's workers) and parallelism. */
    private RunLimits limits(Run run) {
        if (run.scheduleId() == null) return RunLimits.NONE;
        Optional<Schedule> s = config.storage().schedules().find(run.tenantId(), run.scheduleId());
        if (s.isEmpty()) return RunLimits.NONE;
        Schedule.Limits l = s.get().limits();
        Optional<RateLimiter> limiter = l.ratePerSecond() == null ? Optional.empty()
                : Optional.of(rateLimiters.computeIfAbsent(run.scheduleId(),
                        k -> new RateLimiter(l.ratePerSecond(), l.burst() == null ? 1 : l.burst())));
        return new RunLimits(limiter, l.parallelism());
    }

    /**
     * Puts every waiting segment of unfinished runs back in the queue (after a restart of an embedded node whose
     * queue lived in memory). Enqueue is idempotent, so calling it with a durable queue is harmless.
     */
    int resumeUnfinishedRuns() {
        int n = 0;
        Instant now = config.clock().instant();
        Storage st = config.storage();
        for (Run r : st.runs().active()) {
            List<Segment> segs = st.segments().forRun(r.id());
            st.progress().rebuild(r, segs); // counters left half-written by a crash are re-derived
            for (Segment s : segs) {
                if (s.state().isTerminal()) continue;
                Instant at = s.nextAttemptAt() != null && s.nextAttemptAt().isAfter(now) ? s.nextAttemptAt() : now;
                config.queue().enqueue(new SegmentRef(s.tenantId(), s.runId(), s.index(), s.scheduleId()), at);
                n++;
            }
            lifecycle.maybeFinish(r.id());
        }
        return n;
    }

    void requirePlanning(String what) {
        if (!config.role().plans()) {
            throw new IllegalStateException("a worker process does not " + what + " (role worker); use an api process");
        }
    }

    /** Graceful: stops ticking and claiming, lets workers finish the segments in hand. */
    @Override
    public synchronized void close() {
        if (cron != null) {
            cron.shutdownNow();
            cron = null;
        }
        if (indexPoller != null) {
            indexPoller.shutdownNow();
            indexPoller = null;
        }
        if (workers != null) {
            workers.stop(config.shutdownGrace());
            workers = null;
        }
    }
}
