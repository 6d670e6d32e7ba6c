package io.verdict.scheduler.mongo;

import com.mongodb.ReadPreference;
import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.Storage;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Every storage port on one MongoDB database, plus the store-backed queue and lock service that let a single
 * node (or several) run durably without Redis. Creating it creates the indexes (idempotent).
 *
 * <pre>{@code
 * MongoDatabase db = MongoClients.create(uri).getDatabase("verdict");
 * Clock clock = new MongoServerClock(db);
 * MongoStorage mongo = new MongoStorage(db, clock);
 * Scheduler scheduler = Scheduler.builder().clock(clock).storage(mongo.storage())
 *         .queue(mongo.segmentQueue()).locks(mongo.lockService()).tickLedger(mongo.tickLedger()).build();
 * }</pre>
 */
public final class MongoStorage implements AutoCloseable {
    private final MongoDatabase db;
    private final Clock clock;
    private final MongoRunEventLog events;
    private final Storage storage;
    private final MongoUnitOfWork work;

    public MongoStorage(MongoDatabase db, Clock clock) {
        this(db, clock, Duration.ofMillis(250));
    }

    /** @param eventPollInterval how often a subscribed run's event poller looks for events of other instances */
    public MongoStorage(MongoDatabase db, Clock clock, Duration eventPollInterval) {
        // Primary reads: a store must read its own writes (a run just inserted, a version just bumped).
        this.db = Objects.requireNonNull(db, "db").withReadPreference(ReadPreference.primary());
        this.clock = Objects.requireNonNull(clock, "clock");
        MongoIndexes.ensure(this.db);
        this.events = new MongoRunEventLog(this.db, clock, eventPollInterval);
        MongoOutboxStore direct = new MongoOutboxStore(this.db);
        this.work = new MongoUnitOfWork(direct);
        MongoRunStore runs = new MongoRunStore(this.db, work, direct);
        work.bind(runs);
        // Envelopes a crash left in run documents reach the outbox before anything new is appended.
        direct.relayPending();
        this.storage = new Storage(runs, new MongoSegmentStore(this.db),
                new MongoDeltaStore(this.db), new MongoVerdictStore(this.db), new MongoImageStore(this.db, clock),
                new MongoScheduleStore(this.db), new MongoCursorStore(this.db, clock), new MongoAuditLog(this.db),
                events, new MongoProgressStore(this.db), new MongoAdvisoryCatalogStore(this.db),
                new MongoPolicyRunStore(this.db));
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
    public MongoSegmentQueue segmentQueue() {
        return new MongoSegmentQueue(db, clock);
    }

    public MongoSegmentQueue segmentQueue(String name) {
        return new MongoSegmentQueue(db, clock, name);
    }

    /** Cron tick decisions and cursors (not part of {@link Storage}; the schedule ticker and service take it). */
    /** The durable outbox of outbound envelopes (collection {@code outbox}). */
    public MongoOutboxStore outbox() {
        return new MongoOutboxStore(db, work);
    }

    /**
     * The core's unit of work for this storage ({@code SchedulerBuilder.unitOfWork}): a run's write and its
     * envelopes are one single-document update (see {@link MongoUnitOfWork}). Use with {@link #outbox()}.
     */
    public io.verdict.scheduler.tx.UnitOfWork unitOfWork() {
        return work;
    }

    public MongoTickLedger tickLedger() {
        return new MongoTickLedger(db);
    }

    public MongoLockService lockService() {
        return new MongoLockService(db, clock);
    }

    public MongoDatabase database() {
        return db;
    }

    /** Stops the event pollers; the database client stays open (it belongs to the caller). */
    @Override
    public void close() {
        events.close();
    }
}
