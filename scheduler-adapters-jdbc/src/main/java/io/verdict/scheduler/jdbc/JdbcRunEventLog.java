package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Run events in {@code run_events}, keyed (run_id, seq).
 *
 * <p>Sequence numbers: an append reads the run's highest seq and inserts seq + 1 in one transaction; when another
 * instance took that number first the key refuses the insert and the append retries. So seq N+1 is only ever
 * committed after N, and a reader that has seen N never later finds an event below N appear. Appends of one
 * instance are serialised per run so they do not collide with each other.
 *
 * <p>Subscriptions: one polling thread per subscribed run reads events after the last one it delivered, so events
 * appended by any instance reach subscribers on every instance; an append on this instance wakes the poller at
 * once, otherwise it polls every {@code pollInterval}. A failing listener is skipped.
 */
public final class JdbcRunEventLog implements RunEventLog, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JdbcRunEventLog.class.getName());
    private static final int MAX_APPEND_ATTEMPTS = 100;
    private static final int POLL_BATCH = 500;

    private final JdbcDatabase db;
    private final Clock clock;
    private final Duration pollInterval;
    private final Object[] appendLocks = new Object[64];
    private final ConcurrentHashMap<String, RunPoller> pollers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public JdbcRunEventLog(JdbcDatabase db, Clock clock, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("pollInterval must be > 0");
        this.db = db;
        this.clock = clock;
        this.pollInterval = pollInterval;
        for (int i = 0; i < appendLocks.length; i++) appendLocks[i] = new Object();
    }

    @Override
    public RunEventRecord append(String tenantId, String runId, RunEvent event) {
        synchronized (appendLocks[Math.floorMod(runId.hashCode(), appendLocks.length)]) {
            for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
                Optional<RunEventRecord> stored = db.transaction(c -> {
                    long seq = Sql.one(c, "SELECT COALESCE(MAX(seq), 0) FROM run_events WHERE run_id = ?",
                            rs -> rs.getLong(1), runId).orElse(0L) + 1;
                    RunEventRecord rec = new RunEventRecord(tenantId, runId, seq, clock.instant(), event);
                    int n = Sql.update(c, "INSERT INTO run_events (run_id, seq, doc) VALUES (?,?,?) "
                            + "ON CONFLICT (run_id, seq) DO NOTHING", runId, seq, RunCodecs.eventRecord(rec).json());
                    return n == 1 ? Optional.of(rec) : Optional.<RunEventRecord>empty();
                });
                if (stored.isEmpty()) continue; // another instance took this seq; read again
                RunPoller poller = pollers.get(runId);
                if (poller != null) poller.wake();
                return stored.get();
            }
        }
        throw new ConcurrentUpdateException("event log of run " + runId + " (" + MAX_APPEND_ATTEMPTS + " attempts)");
    }

    /**
     * Appends events in order with consecutive seqs, in one transaction (one commit).
     */
    @Override
    public List<RunEventRecord> appendAll(String tenantId, String runId, List<RunEvent> batch) {
        if (batch.isEmpty()) return List.of();
        synchronized (appendLocks[Math.floorMod(runId.hashCode(), appendLocks.length)]) {
            for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
                List<RunEventRecord> stored;
                try {
                    stored = db.transaction(c -> {
                    long seq = Sql.one(c, "SELECT COALESCE(MAX(seq), 0) FROM run_events WHERE run_id = ?",
                            rs -> rs.getLong(1), runId).orElse(0L);
                    List<RunEventRecord> recs = new java.util.ArrayList<>(batch.size());
                    List<Object[]> rows = new java.util.ArrayList<>(batch.size());
                    for (RunEvent e : batch) {
                        RunEventRecord rec = new RunEventRecord(tenantId, runId, ++seq, clock.instant(), e);
                        recs.add(rec);
                        rows.add(new Object[] {runId, rec.seq(), RunCodecs.eventRecord(rec).json()});
                    }
                    for (int n : Sql.batch(c, "INSERT INTO run_events (run_id, seq, doc) VALUES (?,?,?) "
                            + "ON CONFLICT (run_id, seq) DO NOTHING", rows)) {
                        // another instance took one of these seqs: undo the whole batch and read again
                        if (n != 1) throw new SeqTaken();
                    }
                    return recs;
                    });
                } catch (SeqTaken e) {
                    continue;
                }
                RunPoller poller = pollers.get(runId);
                if (poller != null) poller.wake();
                return stored;
            }
        }
        throw new ConcurrentUpdateException("event log of run " + runId + " (" + MAX_APPEND_ATTEMPTS + " attempts)");
    }

    /** Rolls back a batch append that lost a seq to another instance. */
    private static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super(null, null, false, false);
        }
    }

    private long lastSeq(String runId) {
        return db.transaction(c -> Sql.one(c, "SELECT COALESCE(MAX(seq), 0) FROM run_events WHERE run_id = ?",
                rs -> rs.getLong(1), runId).orElse(0L));
    }

    @Override
    public List<RunEventRecord> after(String runId, long afterSeq, int limit) {
        if (limit < 1) return List.of();
        return db.transaction(c -> Sql.list(c, "SELECT doc FROM run_events WHERE run_id = ? AND seq > ? "
                        + "ORDER BY seq LIMIT ?", rs -> RunCodecs.eventRecord(Doc.parse(rs.getString(1))), runId, afterSeq,
                limit));
    }

    @Override
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
            this.position = lastSeq(runId);
            Thread.ofPlatform().daemon().name("jdbc-run-events-" + runId).start(this);
        }

        /** A subscriber receives events appended after it subscribed (its start is read under the poller's lock). */
        synchronized void add(Subscription sub) {
            sub.after = lastSeq(runId);
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
                    batch = after(runId, position, POLL_BATCH);
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
