package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.events.PolledSubscriptions;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Run events in {@code run_events}, keyed (run_id, seq).
 *
 * <p>Sequence numbers: an append reads the run's highest seq and inserts seq + 1 in one transaction; when another
 * instance took that number first the key refuses the insert and the append retries. So seq N+1 is only ever
 * committed after N, and a reader that has seen N never later finds an event below N appear. Appends of one
 * instance are serialised per run so they do not collide with each other.
 *
 * <p>Inside a unit of work (a transaction already open on this thread) the append joins it — the console event
 * commits with the state change it reports — and does not take the per-run lock: the caller holds a connection,
 * and on SQLite, with its single connection, a thread holding the lock while waiting for the connection would
 * deadlock with us. A seq taken meanwhile (PostgreSQL, another transaction) is undone to a savepoint and tried
 * again; subscribers are woken after the commit, when the event is visible on their connections.
 *
 * <p>Subscriptions: {@link PolledSubscriptions} (one polling thread per subscribed run, shared with the Mongo
 * adapter), woken at once by appends on this instance, otherwise polling every {@code pollInterval}.
 */
public final class JdbcRunEventLog implements RunEventLog, AutoCloseable {
    private static final int MAX_APPEND_ATTEMPTS = 100;

    private final JdbcDatabase db;
    private final Clock clock;
    private final Object[] appendLocks = new Object[64];
    private final PolledSubscriptions subscriptions;

    public JdbcRunEventLog(JdbcDatabase db, Clock clock, Duration pollInterval) {
        this.db = db;
        this.clock = clock;
        this.subscriptions = new PolledSubscriptions("jdbc-run-events-", this::after, this::lastSeq, pollInterval);
        for (int i = 0; i < appendLocks.length; i++) appendLocks[i] = new Object();
    }

    @Override
    public RunEventRecord append(String tenantId, String runId, RunEvent event) {
        if (db.inTransaction()) return appendJoined(tenantId, runId, List.of(event)).get(0);
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
                subscriptions.wake(runId);
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
        if (db.inTransaction()) return appendJoined(tenantId, runId, batch);
        synchronized (appendLocks[Math.floorMod(runId.hashCode(), appendLocks.length)]) {
            for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
                List<RunEventRecord> stored;
                try {
                    stored = db.transaction(c -> {
                        List<RunEventRecord> recs = insertAfterLast(c, tenantId, runId, batch);
                        // another instance took one of these seqs: undo the whole batch and read again
                        if (recs == null) throw new SeqTaken();
                        return recs;
                    });
                } catch (SeqTaken e) {
                    continue;
                }
                subscriptions.wake(runId);
                return stored;
            }
        }
        throw new ConcurrentUpdateException("event log of run " + runId + " (" + MAX_APPEND_ATTEMPTS + " attempts)");
    }

    /** {@link #appendAll} inside the transaction open on this thread (see the class comment). */
    private List<RunEventRecord> appendJoined(String tenantId, String runId, List<RunEvent> batch) {
        List<RunEventRecord> stored = db.transaction(c -> {
            for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
                java.sql.Savepoint before = c.setSavepoint();
                List<RunEventRecord> recs = insertAfterLast(c, tenantId, runId, batch);
                if (recs != null) {
                    c.releaseSavepoint(before);
                    return recs;
                }
                c.rollback(before); // another transaction took one of these seqs: only our batch is undone
            }
            throw new ConcurrentUpdateException("event log of run " + runId + " (" + MAX_APPEND_ATTEMPTS + " attempts)");
        });
        db.afterCommit(() -> subscriptions.wake(runId));
        return stored;
    }

    /** Inserts the batch after the run's highest seq; null when another transaction took one of those seqs. */
    private List<RunEventRecord> insertAfterLast(java.sql.Connection c, String tenantId, String runId,
                                                 List<RunEvent> batch) throws java.sql.SQLException {
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
            if (n != 1) return null;
        }
        return recs;
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
