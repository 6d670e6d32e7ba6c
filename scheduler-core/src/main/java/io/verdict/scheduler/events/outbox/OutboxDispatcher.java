package io.verdict.scheduler.events.outbox;

import io.verdict.scheduler.observability.SchedulerMetrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the outbox: claims due entries (the oldest pending one of each run), hands each to every sink that
 * accepts it, and records the outcome. At-least-once: an entry is marked delivered only after every accepting sink
 * returned; a failure of any sink retries the entry for all of them (receivers drop repeats by
 * {@code idempotencyKey}). Failed attempts wait {@link Settings#backoff(int)} — deterministic, no jitter, so a test
 * or an operator can predict the next attempt — and the entry is dead-lettered after {@link Settings#maxAttempts()}.
 *
 * <p>One daemon thread per process, started by {@link #start()} (the scheduler does it at build) and stopped by
 * {@link #close()}; several processes on a shared store do not deliver the same entry at the same time because a
 * claim leases it.
 */
public final class OutboxDispatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("scheduler.events");

    /**
     * @param maxAttempts    attempts before an entry is dead-lettered (≥ 1)
     * @param initialBackoff pause after the first failed attempt; doubled per further failure, capped at maxBackoff
     * @param lease          how long a claimed entry is kept from other dispatchers (longer than a sink may take)
     * @param pollInterval   how often the outbox is read when nothing woke the dispatcher
     * @param batchSize      entries claimed per round
     */
    public record Settings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration lease,
                           Duration pollInterval, int batchSize) {
        public static final Settings DEFAULT = new Settings(10, Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofMinutes(2), Duration.ofSeconds(1), 100);

        public Settings {
            if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("backoff must satisfy 0 <= initialBackoff <= maxBackoff");
            }
            if (!lease.isPositive() || !pollInterval.isPositive()) throw new IllegalArgumentException("lease and pollInterval must be > 0");
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
        }

        /** Pause after the {@code failures}-th failed attempt: initial × 2^(failures−1), at most maxBackoff. */
        public Duration backoff(int failures) {
            int shift = Math.min(Math.max(failures - 1, 0), 30);
            Duration d = initialBackoff.multipliedBy(1L << shift);
            return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
        }
    }

    private final OutboxStore outbox;
    private final List<EventSink> sinks;
    private final SchedulerMetrics metrics;
    private final Clock clock;
    private final Settings settings;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running;
    private volatile Thread thread;
    private Instant lastCounts = Instant.MIN;
    /** Entries the last round delivered whose marks are not written yet (see {@link #round}). */
    private List<Long> unmarked = List.of();

    public OutboxDispatcher(OutboxStore outbox, List<EventSink> sinks, SchedulerMetrics metrics, Clock clock,
                            Settings settings) {
        this.outbox = Objects.requireNonNull(outbox);
        this.sinks = List.copyOf(sinks);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
        this.settings = Objects.requireNonNull(settings);
    }

    public OutboxStore outbox() {
        return outbox;
    }

    public List<EventSink> sinks() {
        return sinks;
    }

    /**
     * One round: claims due entries and delivers them. Returns how many were claimed (0 = nothing due). Public so
     * tests and single-threaded embedders can drive delivery without the thread.
     */
    public synchronized int dispatchOnce() {
        int claimed = round();
        flushDelivered();
        return claimed;
    }

    /**
     * One round of the delivery thread: the previous round's delivered marks are written with this round's claim
     * ({@link OutboxStore#deliveredThenClaimInOrder}), so a busy outbox costs one store write per round, not two.
     * The marks are not held while the thread waits (unless the store failed): a round that claims something is
     * followed at once by the next, an empty round has written them, and {@link #close} writes what is left. A crash
     * before they are written re-delivers those entries (at least once, same idempotency keys).
     */
    private synchronized int round() {
        Instant now = clock.instant();
        List<OutboxEntry> batch = outbox.deliveredThenClaimInOrder(unmarked, now, settings.lease(),
                settings.batchSize(), settings.batchSize());
        unmarked = List.of(); // written (an exception above keeps them for the next try)
        List<Long> delivered = new ArrayList<>(batch.size());
        List<Long> notTried = new ArrayList<>();
        Set<String> stopped = new HashSet<>();
        for (OutboxEntry e : batch) {
            // A run's later events wait behind one that failed: order per run is the promise.
            if (stopped.contains(e.runId())) {
                notTried.add(e.id());
                continue;
            }
            if (deliver(e)) {
                delivered.add(e.id());
            } else {
                stopped.add(e.runId());
            }
        }
        unmarked = delivered; // written with the next claim (or by flushDelivered)
        if (!notTried.isEmpty()) outbox.release(notTried, clock.instant());
        reportCounts();
        return batch.size();
    }

    /** Writes the delivered marks {@link #round} left for the next claim. */
    private synchronized void flushDelivered() {
        if (unmarked.isEmpty()) return;
        outbox.deliveredAll(unmarked);
        unmarked = List.of();
    }

    /** True when every sink that wants the entry took it; a failure is recorded (retry or dead letter). */
    private boolean deliver(OutboxEntry e) {
        try {
            for (EventSink sink : sinks) {
                if (sink.accepts(e)) sink.deliver(e);
            }
        } catch (Exception failure) {
            String error = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            int failures = e.attempts() + 1;
            if (failures >= settings.maxAttempts()) {
                outbox.dead(e.id(), error);
                metrics.outboxDelivery("dead");
                LOG.log(System.Logger.Level.WARNING, "event " + e.envelope().kind() + " " + e.envelope().idempotencyKey()
                        + " dead-lettered after " + failures + " attempts: " + error);
            } else {
                outbox.failed(e.id(), error, clock.instant().plus(settings.backoff(failures)));
                metrics.outboxDelivery("failed");
                LOG.log(System.Logger.Level.INFO, "delivery of event " + e.envelope().kind() + " "
                        + e.envelope().idempotencyKey() + " failed (attempt " + failures + "), retrying: " + error);
            }
            return false;
        }
        metrics.outboxDelivery("delivered");
        return true;
    }

    /**
     * Backlog gauges, read at most once per poll interval, busy or idle: a count is a scan of the outbox, which
     * keeps every delivered entry for the pull feed. Counting on every idle round — and the dispatcher is woken
     * after every commit that stores envelopes — held the embedded store's only connection for 40 of a 100k-target
     * run's 110 s. A drained backlog shows within one poll interval (the idle loop polls that often).
     */
    private void reportCounts() {
        Instant now = clock.instant();
        if (Duration.between(lastCounts, now).compareTo(settings.pollInterval()) < 0) return;
        lastCounts = now;
        try {
            OutboxCounts c = outbox.counts();
            metrics.outboxCounts(c.pending(), c.retrying(), c.delivered(), c.dead());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "outbox counts unavailable: " + e);
        }
    }

    /** Starts the delivery thread (idempotent). */
    public synchronized void start() {
        if (running) return;
        running = true;
        thread = Thread.ofPlatform().daemon().name("outbox-dispatcher").start(this::loop);
    }

    /** Delivers soon: called after an append so events go out without waiting for the next poll. */
    public void wake() {
        wakeUp.release();
    }

    private void loop() {
        while (running) {
            int claimed;
            try {
                claimed = round();
            } catch (RuntimeException e) {
                if (!running) return;
                LOG.log(System.Logger.Level.WARNING, "outbox dispatch failed; retrying: " + e);
                claimed = 0;
            }
            if (claimed > 0) continue; // more may be due right away (the next event of each run)
            try {
                wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops the thread after the entry in hand; what is still pending stays in the outbox for the next start. */
    @Override
    public void close() {
        running = false;
        wakeUp.release();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            flushDelivered(); // the last round's marks; else those entries are delivered again after a restart
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not mark the last delivered events: " + e);
        }
    }
}
