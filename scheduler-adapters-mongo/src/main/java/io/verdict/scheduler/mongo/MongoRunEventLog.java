package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.events.PolledSubscriptions;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Subscriptions: {@link PolledSubscriptions} (one polling thread per subscribed run, shared with the JDBC
 * adapter), woken at once by appends on this instance, otherwise polling every {@code pollInterval}.
 */
public final class MongoRunEventLog implements RunEventLog, AutoCloseable {
    private static final int MAX_APPEND_ATTEMPTS = 100;

    private final MongoCollection<Document> events;
    private final Clock clock;
    private final Object[] appendLocks = new Object[64];
    private final PolledSubscriptions subscriptions;

    public MongoRunEventLog(MongoDatabase db, Clock clock) {
        this(db, clock, Duration.ofMillis(250));
    }

    public MongoRunEventLog(MongoDatabase db, Clock clock, Duration pollInterval) {
        this.events = db.getCollection(CollectionNames.RUN_EVENTS);
        this.clock = clock;
        this.subscriptions = new PolledSubscriptions("mongo-run-events-", this::after, this::lastSeq, pollInterval);
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
                subscriptions.wake(runId);
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
            subscriptions.wake(runId);
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
        return subscriptions.subscribe(runId, listener);
    }

    /** Number of runs with a live polling thread. */
    public int activePollers() {
        return subscriptions.activePollers();
    }

    /** Stops every polling thread; subscriptions receive nothing afterwards. */
    @Override
    public void close() {
        subscriptions.close();
    }
}
