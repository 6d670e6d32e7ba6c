package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.Storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Every storage port on one SQL database (SQLite or PostgreSQL), plus the store-backed queue, lock service and tick
 * ledger, so a node runs durably without Redis. Creating it applies the schema migrations.
 *
 * <pre>{@code
 * JdbcDatabase db = JdbcDatabase.sqlite(dataDir.resolve("scheduler.db"));
 * JdbcStorage jdbc = new JdbcStorage(db, Clock.systemUTC());
 * Scheduler scheduler = Scheduler.builder().storage(jdbc.storage()).queue(jdbc.segmentQueue())
 *         .locks(jdbc.lockService()).tickLedger(jdbc.tickLedger()).build();
 * }</pre>
 */
public final class JdbcStorage implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JdbcStorage.class.getName());

    private final JdbcDatabase db;
    private final Clock clock;
    private final JdbcRunEventLog events;
    private final Storage storage;
    private final int schemaVersion;

    public JdbcStorage(JdbcDatabase db, Clock clock) {
        this(db, clock, Duration.ofMillis(250));
    }

    /** @param eventPollInterval how often a subscribed run's poller looks for events appended by other instances */
    public JdbcStorage(JdbcDatabase db, Clock clock, Duration eventPollInterval) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.schemaVersion = Migrations.apply(db);
        this.events = new JdbcRunEventLog(db, clock, eventPollInterval);
        this.storage = new Storage(new JdbcRunStore(db), new JdbcSegmentStore(db), new JdbcDeltaStore(db),
                new JdbcVerdictStore(db), new JdbcImageStore(db, clock), new JdbcScheduleStore(db),
                new JdbcCursorStore(db, clock), new JdbcAuditLog(db), events,
                new JdbcProgressStore(db),
                new JdbcAdvisoryCatalogStore(db), new JdbcPolicyRunStore(db));
    }

    public Storage storage() {
        return storage;
    }

    /**
     * The highest fencing token stored: a queue transport that lost its counter (Redis restarted empty) seeds it
     * from here, so tokens never go backwards.
     */
    public java.util.function.LongSupplier fencingFloor() {
        return storage.segments()::maxFencingToken;
    }

    /** The durable {@code runner} queue. */
    public JdbcSegmentQueue segmentQueue() {
        return new JdbcSegmentQueue(db, clock);
    }

    public JdbcSegmentQueue segmentQueue(String name) {
        return new JdbcSegmentQueue(db, clock, name);
    }

    public JdbcLockService lockService() {
        return new JdbcLockService(db, clock);
    }

    /** The durable outbox of outbound envelopes (table {@code outbox}). */
    public JdbcOutboxStore outbox() {
        return new JdbcOutboxStore(db);
    }

    /**
     * Transactions for the core ({@code SchedulerBuilder.unitOfWork}): a run's state change and its outbound
     * envelopes commit together.
     */
    public io.verdict.scheduler.tx.UnitOfWork unitOfWork() {
        return new JdbcUnitOfWork(db);
    }

    public JdbcTickLedger tickLedger() {
        return new JdbcTickLedger(db);
    }

    public JdbcDatabase database() {
        return db;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    /**
     * Removes runs a crash left in {@code planning} (created before {@code createdBefore}) with their segments,
     * queue messages, events and read-model counters. A run is acknowledged to its caller only after it left {@code planning}, so such a
     * run was never promised to anyone: removing it makes planning all-or-nothing as seen from outside. Returns the
     * IDs removed.
     */
    public List<String> removeInterruptedPlanning(Instant createdBefore) {
        List<String> removed = db.transaction(c -> {
            List<String> ids = Sql.list(c, "SELECT id FROM runs WHERE state = 'planning' AND created_ms < ?",
                    rs -> rs.getString(1), createdBefore.toEpochMilli());
            for (String id : ids) {
                Sql.update(c, "DELETE FROM queue_messages WHERE run_id = ?", id);
                Sql.update(c, "DELETE FROM segments WHERE run_id = ?", id);
                Sql.update(c, "DELETE FROM run_events WHERE run_id = ?", id);
                Sql.update(c, "DELETE FROM deltas WHERE run_id = ?", id);
                Sql.update(c, "DELETE FROM progress_segments WHERE run_id = ?", id);
                Sql.update(c, "DELETE FROM run_progress_shards WHERE run_id = ?", id);
                Sql.update(c, "DELETE FROM run_progress WHERE run_id = ?", id); // else it stays in the backlog
                Sql.update(c, "DELETE FROM runs WHERE id = ? AND state = 'planning'", id);
            }
            return ids;
        });
        if (!removed.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "removed " + removed.size() + " run(s) a crash left in planning: " + removed);
        }
        return removed;
    }

    /**
     * Start-up repair of a store this process has to itself (the embedded SQLite file, held by a file lock): every
     * lock and lease in it belongs to a process that is gone, so they are released now instead of after their TTL,
     * and runs a crash left in {@code planning} are removed.
     */
    public void recoverEmbedded() {
        int locks = lockService().releaseAll();
        int leases = segmentQueue().releaseAllLeases() + outbox().releaseLeases(clock.instant());
        removeInterruptedPlanning(clock.instant().plusSeconds(1));
        if (locks + leases > 0) {
            LOG.log(System.Logger.Level.INFO, "released " + locks + " lock(s) and " + leases
                    + " lease(s) left by the previous process");
        }
    }

    /**
     * Runs {@code work} — any number of store calls on this thread — as one transaction: one commit (one fsync on
     * SQLite) for all of them, all or none. For bulk loads such as seeding an estate.
     */
    public void inOneTransaction(Runnable work) {
        db.transaction(c -> {
            work.run();
            return null;
        });
    }

    /** Stops the event pollers; the database stays open (it belongs to the caller). */
    @Override
    public void close() {
        events.close();
    }
}
