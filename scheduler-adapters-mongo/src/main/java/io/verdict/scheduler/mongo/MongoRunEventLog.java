package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Run events in the {@code runEvents} collection, unique on (runId, seq).
 *
 * <p>Sequence numbers: an append reads the run's highest seq and inserts seq + 1; when another instance took
 * that number first the unique index refuses the insert and the append retries. So seq N+1 is only ever written
 * after N exists, and the log never has gaps, not even for a moment: a reader that has seen N can never later
 * find an event below N appear (which a separate counter document could not promise: two appenders could take
 * N and N+1 and commit them in the opposite order). Appends of one instance are serialised per run so they do
 * not collide with each other.
 *
 * <p>Subscriptions: one polling thread per subscribed run reads events after the last one it delivered, in
 * seq order, so events appended on any instance reach subscribers on every instance. An append on this instance
 * wakes the poller at once; otherwise it polls every {@code pollInterval}. A failing listener is skipped.
 */
public final class MongoRunEventLog implements RunEventLog, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MongoRunEventLog.class.getName());
    private static final int MAX_APPEND_ATTEMPTS = 100;
    private static final int POLL_BATCH = 500;

    private final MongoCollection<Document> events;
    private final Clock clock;
    private final Duration pollInterval;
    private final Object[] appendLocks = new Object[64];
    private final ConcurrentHashMap<String, RunPoller> pollers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public MongoRunEventLog(MongoDatabase db, Clock clock) {
        this(db, clock, Duration.ofMillis(250));
    }

    public MongoRunEventLog(MongoDatabase db, Clock clock, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("pollInterval must be > 0");
        this.events = db.getCollection(CollectionNames.RUN_EVENTS);
        this.clock = clock;
        this.pollInterval = pollInterval;
        for (int i = 0; i < appendLocks.length; i++) appendLocks[i] = new Object();
    }

    @Override
    public RunEventRecord append(String tenantId, String runId, RunEvent event) {
        synchronized (appendLocks[Math.floorMod(runId.hashCode(), appendLocks.length)]) {
            for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
                RunEventRecord rec = new RunEventRecord(tenantId, runId, lastSeq(runId) + 1,
                        clock.instant().truncatedTo(ChronoUnit.MILLIS), event); // what a BSON date keeps
                try {
                    events.insertOne(RunEventDocuments.toDocument(rec));
                } catch (MongoException e) {
                    if (DuplicateKeys.is(e)) continue; // another instance took this seq; read again
                    throw e;
                }
                RunPoller poller = pollers.get(runId);
                if (poller != null) poller.wake();
                return rec;
            }
        }
        throw new ConcurrentUpdateException("event log of run " + runId + " (" + MAX_APPEND_ATTEMPTS + " attempts)");
    }

    /**
     * One {@code insertMany} for the batch, seqs last+1..last+n. When another instance took one of those seqs the
     * ordered insert stops there; the rest is retried after re-reading the last seq, so order is kept.
     */
    @Override
    public List<RunEventRecord> appendAll(String tenantId, String runId, List<RunEvent> batch) {
        List<RunEventRecord> out = new ArrayList<>(batch.size());
        if (batch.isEmpty()) return out;
        synchronized (appendLocks[Math.floorMod(runId.hashCode(), appendLocks.length)]) {
            int next = 0;
            for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS && next < batch.size(); attempt++) {
                long seq = lastSeq(runId);
                java.time.Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                List<RunEventRecord> recs = new ArrayList<>(batch.size() - next);
                List<Document> docs = new ArrayList<>(batch.size() - next);
                for (int i = next; i < batch.size(); i++) {
                    RunEventRecord rec = new RunEventRecord(tenantId, runId, ++seq, at, batch.get(i));
                    recs.add(rec);
                    docs.add(RunEventDocuments.toDocument(rec));
                }
                try {
                    events.insertMany(docs);
                    out.addAll(recs);
                    next = batch.size();
                } catch (com.mongodb.MongoBulkWriteException e) {
                    boolean duplicate = e.getWriteErrors().stream().allMatch(w -> w.getCode() == 11000);
                    if (!duplicate) throw e;
                    int written = e.getWriteErrors().isEmpty() ? 0 : e.getWriteErrors().get(0).getIndex();
                    out.addAll(recs.subList(0, written));
                    next += written;
                }
            }
            RunPoller poller = pollers.get(runId);
            if (poller != null) poller.wake();
        }
        if (out.size() < batch.size()) {
            throw new ConcurrentUpdateException("event log of run " + runId + " (" + MAX_APPEND_ATTEMPTS + " attempts)");
        }
        return out;
    }

    private long lastSeq(String runId) {
        Document d = events.find(Filters.eq("runId", runId)).sort(Sorts.descending("seq"))
                .projection(Projections.include("seq")).limit(1).first();
        return d == null ? 0 : Fields.longValue(d, "seq");
    }

    @Override
    public List<RunEventRecord> after(String runId, long afterSeq, int limit) {
        List<RunEventRecord> out = new ArrayList<>();
        if (limit < 1) return out;
        for (Document d : events.find(Filters.and(Filters.eq("runId", runId), Filters.gt("seq", afterSeq)))
                .sort(Sorts.ascending("seq")).limit(limit)) {
            out.add(RunEventDocuments.fromDocument(d));
        }
        return out;
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

    /** Number of runs with a live polling thread (for tests and metrics). */
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
            Thread.ofPlatform().daemon().name("mongo-run-events-" + runId).start(this);
        }

        /**
         * A subscriber receives events appended after it subscribed: its start is read under the poller's lock,
         * so no delivery runs between reading it and registering.
         */
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
                    LOG.log(System.Logger.Level.WARNING, "polling events of run " + runId + " failed; retrying", e);
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
