package io.verdict.scheduler;

import io.verdict.scheduler.events.Notifier;
import io.verdict.scheduler.evidence.Signer;
import io.verdict.scheduler.execution.Scanner;
import io.verdict.scheduler.inmemory.InMemoryLockService;
import io.verdict.scheduler.inmemory.InMemoryNotifier;
import io.verdict.scheduler.inmemory.InMemoryTickLedger;
import io.verdict.scheduler.schedules.TickLedger;
import io.verdict.scheduler.schedules.TickerSettings;
import io.verdict.scheduler.inmemory.InMemorySegmentQueue;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.queue.LockService;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.simulation.SimulatedScanner;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a {@link Scheduler} from ports. Everything has an in-memory default, so
 * {@code Scheduler.builder().build()} is a working scheduler with a simulated scanner.
 */
public final class SchedulerBuilder {
    Clock clock = Clock.systemUTC();
    long seed = System.nanoTime();
    Storage storage;
    SegmentQueue queue;
    LockService locks;
    Scanner scanner;
    Notifier notifier;
    SchedulerMetrics metrics = SchedulerMetrics.NONE;
    RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    int segmentSize = 100;
    Duration leaseTime = Duration.ofSeconds(30);
    Duration maxIndexAge;
    Duration shutdownGrace = Duration.ofSeconds(10);
    String instanceId = "node-" + ProcessHandle.current().pid();
    SchedulerRole role = SchedulerRole.ALL;
    io.verdict.scheduler.events.RunEventLog runEvents;
    io.verdict.scheduler.audit.AuditListener auditListener;
    Duration indexFollowPeriod = Duration.ofSeconds(2);
    boolean indexInBackground;
    SchedulerConfig.IntakeRate intakeRate = new SchedulerConfig.IntakeRate(50, 200);
    TickLedger tickLedger;
    Signer evidenceSigner;
    TickerSettings tickerSettings = TickerSettings.DEFAULT;
    private io.verdict.scheduler.events.outbox.OutboxStore outbox;
    private java.util.List<io.verdict.scheduler.events.outbox.EventSink> sinks = java.util.List.of();
    private io.verdict.scheduler.events.outbox.OutboxDispatcher.Settings dispatch;
    private io.verdict.scheduler.tx.UnitOfWork unitOfWork;

    SchedulerBuilder() {}

    public SchedulerBuilder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

    /** Seed of run-ID nonces (and of the default simulated scanner): same clock and seed, same IDs. */
    public SchedulerBuilder seed(long seed) { this.seed = seed; return this; }

    public SchedulerBuilder storage(Storage storage) { this.storage = storage; return this; }

    /**
     * Replaces the run event log of the storage (e.g. Redis streams for cross-instance live events), so wiring can
     * hand an adapter's storage straight through without taking it apart.
     */
    public SchedulerBuilder runEvents(io.verdict.scheduler.events.RunEventLog log) { this.runEvents = log; return this; }

    /** Told of every audit record once stored (the deployable's one log line per manage action). */
    public SchedulerBuilder auditListener(io.verdict.scheduler.audit.AuditListener listener) {
        this.auditListener = Objects.requireNonNull(listener);
        return this;
    }

    public SchedulerBuilder queue(SegmentQueue queue) { this.queue = queue; return this; }

    public SchedulerBuilder locks(LockService locks) { this.locks = locks; return this; }

    public SchedulerBuilder scanner(Scanner scanner) { this.scanner = scanner; return this; }

    public SchedulerBuilder notifier(Notifier notifier) { this.notifier = notifier; return this; }

    public SchedulerBuilder metrics(SchedulerMetrics metrics) { this.metrics = Objects.requireNonNull(metrics); return this; }

    public SchedulerBuilder retryPolicy(RetryPolicy policy) { this.retryPolicy = Objects.requireNonNull(policy); return this; }

    public SchedulerBuilder segmentSize(int size) {
        if (size < 1) throw new IllegalArgumentException("segmentSize must be >= 1");
        this.segmentSize = size;
        return this;
    }

    public SchedulerBuilder leaseTime(Duration lease) {
        if (lease.isNegative() || lease.isZero()) throw new IllegalArgumentException("leaseTime must be > 0");
        this.leaseTime = lease;
        return this;
    }

    /** Refuse to plan on an index older than this (ERR_RUN_009); null disables the check. */
    public SchedulerBuilder maxIndexAge(Duration age) { this.maxIndexAge = age; return this; }

    public SchedulerBuilder shutdownGrace(Duration grace) { this.shutdownGrace = grace; return this; }

    /** Names this process in leases and locks (worker IDs are derived from it). */
    public SchedulerBuilder instanceId(String id) { this.instanceId = Objects.requireNonNull(id); return this; }

    /**
     * What this process does (default {@code ALL}): a {@code WORKER} never loads the index, plans or ticks; an
     * {@code API} process plans and ticks and runs no workers.
     */
    public SchedulerBuilder role(SchedulerRole role) { this.role = Objects.requireNonNull(role); return this; }

    /**
     * How often this instance applies image changes made through other instances (its index staleness bound).
     * {@link Duration#ZERO}: never — for a store only this process can open (the embedded file), where every change
     * is made here and re-reading the change log would only compete with the workers for the store.
     */
    public SchedulerBuilder indexFollowPeriod(Duration period) {
        if (Objects.requireNonNull(period).isNegative()) throw new IllegalArgumentException("indexFollowPeriod must be >= 0");
        this.indexFollowPeriod = period;
        return this;
    }

    /** Per-tenant intake budget: {@code perSecond} events with bursts of {@code burst}; beyond it intake is refused. */
    public SchedulerBuilder intakeRate(double perSecond, int burst) {
        this.intakeRate = new SchedulerConfig.IntakeRate(perSecond, burst);
        return this;
    }

    /** Where cron tick decisions are recorded (durable adapters make "why didn't it fire?" survive restarts). */
    public SchedulerBuilder tickLedger(TickLedger ledger) { this.tickLedger = ledger; return this; }

    /** Signs evidence bundles and completion events (DSSE); without one, bundles are unavailable. */
    public SchedulerBuilder evidenceSigner(Signer signer) { this.evidenceSigner = signer; return this; }

    public SchedulerBuilder tickerSettings(TickerSettings settings) { this.tickerSettings = Objects.requireNonNull(settings); return this; }

    /**
     * Envelopes go to this durable outbox (replacing {@link #notifier}) and a dispatcher thread, started with the
     * scheduler and stopped by {@link Scheduler#close()}, delivers them to {@code sinks}.
     */
    public SchedulerBuilder outbox(io.verdict.scheduler.events.outbox.OutboxStore outbox,
                                   java.util.List<io.verdict.scheduler.events.outbox.EventSink> sinks,
                                   io.verdict.scheduler.events.outbox.OutboxDispatcher.Settings settings) {
        this.outbox = Objects.requireNonNull(outbox);
        this.sinks = java.util.List.copyOf(sinks);
        this.dispatch = Objects.requireNonNull(settings);
        return this;
    }

    /**
     * The unit of work of the storage and outbox (JDBC: its transactions; Mongo: its single-document run writes), so
     * each state change and the envelopes it causes are stored together. Default: {@code UnitOfWork.serial()}, right
     * for the in-memory storage only.
     */
    public SchedulerBuilder unitOfWork(io.verdict.scheduler.tx.UnitOfWork work) {
        this.unitOfWork = Objects.requireNonNull(work);
        return this;
    }

    /** The immutable configuration, with in-memory defaults for every port not given. */
    public SchedulerConfig config() {
        Storage s = storage == null ? Storage.inMemory(clock) : storage;
        if (auditListener != null) s = s.withAudit(new io.verdict.scheduler.audit.ObservedAuditLog(s.audit(), auditListener));
        io.verdict.scheduler.events.outbox.OutboxDispatcher dispatcher = null;
        Notifier n = notifier == null ? new InMemoryNotifier() : notifier;
        io.verdict.scheduler.tx.UnitOfWork work = unitOfWork == null ? io.verdict.scheduler.tx.UnitOfWork.serial() : unitOfWork;
        if (outbox != null) {
            dispatcher = new io.verdict.scheduler.events.outbox.OutboxDispatcher(outbox, sinks, metrics, clock, dispatch);
            io.verdict.scheduler.events.outbox.OutboxDispatcher d = dispatcher;
            // Woken once the envelope is committed: a dispatcher on another connection would not see it earlier and
            // would then wait for its next poll.
            n = new io.verdict.scheduler.events.outbox.OutboxNotifier(outbox, clock, () -> work.afterCommit(d::wake));
        }
        return new SchedulerConfig(clock, seed, runEvents == null ? s : s.withEvents(runEvents),
                queue == null ? new InMemorySegmentQueue(clock) : queue,
                locks == null ? new InMemoryLockService(clock) : locks,
                scanner == null ? new SimulatedScanner(seed, SimulatedScanner.Profile.FAST, clock) : scanner,
                n, metrics, retryPolicy, segmentSize, leaseTime,
                maxIndexAge, shutdownGrace, instanceId, role, tickLedger == null ? new InMemoryTickLedger() : tickLedger,
                evidenceSigner, tickerSettings, indexFollowPeriod, intakeRate, dispatcher,
                work);
    }

    /**
     * Do not load the impact index inside {@link #build()}: {@link Scheduler#loadIndexInBackground()} loads it on a
     * thread of its own (a service calls it once it listens, or before its first own use of the index). Until the
     * load is done every index read and write (preview, planning, indexing, the follower, cron) waits, and
     * {@link Scheduler#indexLoaded()} is false. Has no effect in a role that does not plan (no index).
     */
    public SchedulerBuilder loadIndexInBackground(boolean background) { this.indexInBackground = background; return this; }

    public Scheduler build() {
        return Scheduler.create(config(), indexInBackground);
    }
}
