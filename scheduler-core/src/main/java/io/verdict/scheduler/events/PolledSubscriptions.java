package io.verdict.scheduler.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Live subscriptions of a {@link RunEventLog} kept in a shared store (SQL, MongoDB): one polling thread per
 * subscribed run reads the events after the last one it delivered, in seq order, so events appended by any instance
 * reach subscribers on every instance. An append on this instance {@link #wake}s the run's poller at once; otherwise
 * it polls every {@code pollInterval}. A subscriber receives the events appended after it subscribed; a failing
 * listener is skipped. The adapters differ only in how they read ({@link Fetch}, {@code lastSeq}).
 */
public final class PolledSubscriptions implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PolledSubscriptions.class.getName());
    private static final int POLL_BATCH = 500;

    /** How the store is read: up to {@code limit} events of the run with {@code seq > afterSeq}, ascending. */
    @FunctionalInterface
    public interface Fetch {
        List<RunEventRecord> after(String runId, long afterSeq, int limit);
    }

    private final String threadPrefix;
    private final Fetch fetch;
    private final ToLongFunction<String> lastSeq;
    private final Duration pollInterval;
    private final ConcurrentHashMap<String, RunPoller> pollers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param threadPrefix names the polling threads ({@code prefix + runId})
     * @param lastSeq      a run's highest seq, 0 if none
     */
    public PolledSubscriptions(String threadPrefix, Fetch fetch, ToLongFunction<String> lastSeq, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("pollInterval must be > 0");
        this.threadPrefix = threadPrefix;
        this.fetch = fetch;
        this.lastSeq = lastSeq;
        this.pollInterval = pollInterval;
    }

    /** See {@link RunEventLog#subscribe}. */
    public AutoCloseable subscribe(String runId, Consumer<RunEventRecord> listener) {
        if (closed) throw new IllegalStateException("event log closed");
        Subscription sub = new Subscription(listener);
        RunPoller poller = pollers.compute(runId, (k, existing) -> {
            RunPoller p = existing != null ? existing : new RunPoller(k);
            p.add(sub);
            return p;
        });
        return () -> pollers.computeIfPresent(runId, (k, p) -> {
            if (p != poller) return p;
            p.remove(sub);
            if (!p.isEmpty()) return p;
            p.stop();
            return null;
        });
    }

    /** Events of the run were appended on this instance: its poller reads now instead of at its next poll. */
    public void wake(String runId) {
        RunPoller poller = pollers.get(runId);
        if (poller != null) poller.wake();
    }

    /** Number of runs with a live polling thread. */
    public int activePollers() {
        return pollers.size();
    }

    /** Stops every polling thread; subscriptions receive nothing afterwards. */
    @Override
    public void close() {
        closed = true;
        pollers.values().forEach(RunPoller::stop);
        pollers.clear();
    }

    private static final class Subscription {
        final Consumer<RunEventRecord> listener;
        volatile long after;

        Subscription(Consumer<RunEventRecord> listener) {
            this.listener = listener;
        }
    }

    private final class RunPoller implements Runnable {
        private final String runId;
        private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
        private final Semaphore wakeUp = new Semaphore(0);
        private volatile boolean running = true;
        private long position;

        RunPoller(String runId) {
            this.runId = runId;
            this.position = lastSeq.applyAsLong(runId);
            Thread.ofPlatform().daemon().name(threadPrefix + runId).start(this);
        }

        /**
         * A subscriber receives events appended after it subscribed: its start is read under the poller's lock,
         * so no delivery runs between reading it and registering.
         */
        synchronized void add(Subscription sub) {
            sub.after = lastSeq.applyAsLong(runId);
            subscriptions.add(sub);
        }

        synchronized void remove(Subscription sub) {
            subscriptions.remove(sub);
        }

        synchronized boolean isEmpty() {
            return subscriptions.isEmpty();
        }

        void wake() {
            wakeUp.release();
        }

        void stop() {
            running = false;
            wakeUp.release();
        }

        @Override
        public void run() {
            while (running) {
                List<RunEventRecord> batch;
                try {
                    batch = fetch.after(runId, position, POLL_BATCH);
                } catch (RuntimeException e) {
                    if (!running) return;
                    LOG.log(System.Logger.Level.WARNING, "polling events of run " + runId + " failed; retrying: " + e);
                    pause(pollInterval.multipliedBy(4));
                    continue;
                }
                if (batch.isEmpty()) {
                    pause(pollInterval);
                    continue;
                }
                deliver(batch);
            }
        }

        private synchronized void deliver(List<RunEventRecord> batch) {
            for (RunEventRecord rec : batch) {
                if (!running) return;
                for (Subscription sub : subscriptions) {
                    if (rec.seq() <= sub.after) continue;
                    try {
                        sub.listener.accept(rec);
                    } catch (RuntimeException ignored) {
                        // A failing subscriber (a closed SSE connection) must not stop delivery to the others.
                    }
                }
                position = rec.seq();
            }
        }

        private void pause(Duration d) {
            try {
                wakeUp.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
