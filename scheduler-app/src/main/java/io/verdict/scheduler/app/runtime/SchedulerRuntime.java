package io.verdict.scheduler.app.runtime;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.SchedulerBuilder;
import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.app.config.WebhookConfig;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.http.clients.webhook.WebhookSettings;
import io.verdict.scheduler.http.clients.webhook.WebhookSink;
import io.verdict.scheduler.execution.Scanner;
import io.verdict.scheduler.http.clients.HttpScanner;
import io.verdict.scheduler.jdbc.JdbcDatabase;
import io.verdict.scheduler.jdbc.JdbcServerClock;
import io.verdict.scheduler.jdbc.JdbcStorage;
import io.verdict.scheduler.mongo.MongoServerClock;
import io.verdict.scheduler.mongo.MongoStorage;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.redis.RedisConnection;
import io.verdict.scheduler.redis.RedisLockService;
import io.verdict.scheduler.redis.RedisQueueSettings;
import io.verdict.scheduler.redis.RedisRunEventLog;
import io.verdict.scheduler.redis.RedisSegmentQueue;
import io.verdict.scheduler.schedules.TickLedger;
import io.verdict.scheduler.simulation.SimulatedScanner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Wires a {@link Scheduler} from the configuration: the store (the embedded SQLite file in the data directory by
 * default, or an external PostgreSQL or MongoDB), the queue, locks and live events (Redis or NATS when configured, else
 * the store), the scanner (HTTP or simulated), the durable event outbox (in the store) with its dispatcher and
 * webhook sinks, and the workers. Closing it shuts down in reverse order after the
 * workers finished their segments.
 *
 * <p>At start it repairs what a crash of the previous process left: on the embedded store (held by one process, a
 * file lock proves it) every lock and lease is released and runs left in {@code planning} are removed; on
 * PostgreSQL the locks held under this instance's identity are released and runs stuck in {@code planning} for
 * longer than any planning takes are removed.
 */
public final class SchedulerRuntime implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("scheduler.app");
    /** The previous embedded store (mongo-java-server on H2); not read any more, see the README. */
    public static final String LEGACY_EMBEDDED_FILE = "scheduler.mv";
    private static final Duration PLANNING_GRACE = Duration.ofMinutes(10);

    private final AppConfig config;
    private final Scheduler scheduler;
    private final Deque<AutoCloseable> resources;
    private final Consumer<Runnable> bulk;

    private final JdbcStorage sql;

    private SchedulerRuntime(AppConfig config, Scheduler scheduler, Deque<AutoCloseable> resources,
                             Consumer<Runnable> bulk, JdbcStorage sql) {
        this.sql = sql;
        this.config = config;
        this.scheduler = scheduler;
        this.resources = resources;
        this.bulk = bulk;
    }

    /** The store chosen by the configuration, as the builder needs it. */
    /**
     * What the chosen store gives beyond the ports it put into the builder: the clock leases are judged by, the
     * highest fencing token it holds (a queue transport that lost its counter restarts above it), bulk loading, and
     * its durable outbox wired to the sinks it is given.
     */
    private record Store(Clock clock, java.util.function.LongSupplier fencingFloor, Consumer<Runnable> bulk, JdbcStorage sql,
                         Consumer<List<EventSink>> outbox) {}

    public static SchedulerRuntime start(AppConfig config, SchedulerMetrics metrics) {
        return start(config, metrics, false);
    }

    /**
     * @param indexInBackground load the impact index on a thread of its own (serve: listen meanwhile; every
     *                          index read and write waits for the load, readiness says so)
     */
    public static SchedulerRuntime start(AppConfig config, SchedulerMetrics metrics, boolean indexInBackground) {
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            SchedulerBuilder builder = Scheduler.builder().loadIndexInBackground(indexInBackground);
            Store store = switch (config.store()) {
                case EMBEDDED -> embedded(config, resources, builder);
                case POSTGRES -> postgres(config, resources, builder);
                case MONGO -> mongo(config, resources, builder);
            };
            Clock clock = store.clock();
            long seed = config.seed() != null ? config.seed() : new SplittableRandom().nextLong();
            // The adapters' ports go straight into the builder: wiring names adapter classes, never the core's
            // storage, queue or lock ports (ArchitectureRules: app and http never depend on them).
            builder.clock(clock).seed(seed).role(config.role())
                    .scanner(scanner(config, seed, clock)).metrics(metrics).segmentSize(config.segmentSize())
                    .leaseTime(config.leaseTime()).maxIndexAge(config.maxIndexAge()).instanceId(config.instanceId())
                    .evidenceSigner(evidenceSigner(config))
                    .auditListener(new io.verdict.scheduler.app.logging.AuditLogLines()); // one log line per manage action
            List<EventSink> sinks = sinks(config, clock);
            if (config.redisUri() != null) {
                RedisConnection redis = RedisConnection.connect(config.redisUri());
                resources.push(redis);
                // Outbound envelopes also go to the stream <prefix>scheduler:events (bounded, ~100,000 entries).
                sinks.add(new io.verdict.scheduler.redis.RedisEventStreamSink(redis, config.redisPrefix(), 100_000));
                RedisRunEventLog log = new RedisRunEventLog(redis, config.redisPrefix());
                resources.push(log);
                // Tokens never go backwards: when Redis has lost its counter it is seeded from the store.
                builder.queue(new RedisSegmentQueue(redis, RedisQueueSettings.runner(config.redisPrefix()),
                                store.fencingFloor()))
                        .locks(new RedisLockService(redis, config.redisPrefix())).runEvents(log);
            } else if (config.natsUrl() != null) {
                NatsTransport.open(config, resources, builder);
            }
            store.outbox().accept(sinks);
            Scheduler scheduler = builder.build();
            // The role decides what starts: workers (after re-enqueueing unfinished runs, idempotent with a durable
            // queue) unless api-only, cron unless worker-only.
            scheduler.start(config.workers());
            return new SchedulerRuntime(config, scheduler, resources, store.bulk(), store.sql());
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    private static Store embedded(AppConfig config, Deque<AutoCloseable> resources, SchedulerBuilder builder) {
        Path dir = config.dataDir();
        DataDirectory.prepare(dir);
        Path legacy = dir.resolve(LEGACY_EMBEDDED_FILE);
        if (Files.exists(legacy)) {
            LOG.log(System.Logger.Level.WARNING, "found " + legacy + ", the store of an earlier release (H2 via an "
                    + "in-process MongoDB server); it is not read any more and is left untouched. State now lives in "
                    + config.embeddedFile() + ". Re-index images and re-create schedules through the API (see README, "
                    + "'Upgrading the embedded store'), then delete " + legacy + ".");
        }
        JdbcDatabase db = JdbcDatabase.sqlite(config.embeddedFile());
        resources.push(db);
        DataDirectory.restrict(dir);
        Clock clock = Clock.systemUTC(); // one process owns the file: its clock is the store's clock
        JdbcStorage jdbc = new JdbcStorage(db, clock);
        resources.push(jdbc);
        jdbc.recoverEmbedded();
        builder.storage(jdbc.storage()).queue(jdbc.segmentQueue()).locks(jdbc.lockService()).tickLedger(jdbc.tickLedger())
                .unitOfWork(jdbc.unitOfWork()) // a state change and its outbound envelopes commit together
                // The file is locked to this process: every image change is made (and indexed) here, so there is no
                // other instance's change log to follow.
                .indexFollowPeriod(java.time.Duration.ZERO);
        return new Store(clock, jdbc.fencingFloor(), jdbc::inOneTransaction, jdbc,
                sinks -> builder.outbox(jdbc.outbox(), sinks, config.eventDelivery()));
    }

    private static Store postgres(AppConfig config, Deque<AutoCloseable> resources, SchedulerBuilder builder) {
        JdbcDatabase db = JdbcDatabase.postgres(config.postgresUrl(), config.setting("SCHEDULER_POSTGRES_USER"),
                config.setting("SCHEDULER_POSTGRES_PASSWORD"), config.postgresPoolSize());
        resources.push(db);
        // Shared by every node: expiry is judged by the database server's clock.
        Clock clock = new JdbcServerClock(db);
        JdbcStorage jdbc = new JdbcStorage(db, clock);
        resources.push(jdbc);
        var locks = jdbc.lockService();
        int freed = locks.releaseAllOwnedBy(config.instanceId());
        if (freed > 0) {
            LOG.log(System.Logger.Level.INFO, "released " + freed + " lock(s) held by a previous process of instance "
                    + config.instanceId());
        }
        jdbc.removeInterruptedPlanning(clock.instant().minus(PLANNING_GRACE));
        builder.storage(jdbc.storage()).queue(jdbc.segmentQueue()).locks(locks).tickLedger(jdbc.tickLedger())
                .unitOfWork(jdbc.unitOfWork());
        return new Store(clock, jdbc.fencingFloor(), jdbc::inOneTransaction, jdbc,
                sinks -> builder.outbox(jdbc.outbox(), sinks, config.eventDelivery()));
    }

    private static Store mongo(AppConfig config, Deque<AutoCloseable> resources, SchedulerBuilder builder) {
        MongoClient client = MongoClients.create(config.mongoUri());
        resources.push(client);
        MongoDatabase db = client.getDatabase(config.mongoDatabase());
        Clock clock = new MongoServerClock(db);
        MongoStorage mongo = new MongoStorage(db, clock);
        resources.push(mongo);
        builder.storage(mongo.storage()).queue(mongo.segmentQueue()).locks(mongo.lockService()).tickLedger(mongo.tickLedger())
                .unitOfWork(mongo.unitOfWork()); // run writes carry their envelopes (one document update)
        return new Store(clock, mongo.fencingFloor(), Runnable::run, null,
                sinks -> builder.outbox(mongo.outbox(), sinks, config.eventDelivery()));
    }

    /**
     * Where outbox envelopes go besides the pull feed: the configured webhooks. Every process runs a dispatcher;
     * claims are leased in the shared store, so api and worker processes never deliver the same entry at once.
     */
    private static List<EventSink> sinks(AppConfig config, Clock clock) {
        List<EventSink> sinks = new ArrayList<>();
        sinks.add(new io.verdict.scheduler.app.logging.RunLogSink()); // one log line per run milestone
        for (WebhookConfig w : config.webhooks()) {
            sinks.add(new WebhookSink(WebhookSettings.of(w.name(), w.url(), w.secret(), w.filter()), clock));
        }
        return sinks;
    }

    private static io.verdict.scheduler.evidence.Signer evidenceSigner(AppConfig config) {
        try {
            return io.verdict.scheduler.evidence.Ed25519Keys.signer(
                    io.verdict.scheduler.app.evidence.EvidenceKeyFile.loadOrCreate(config.dataDir()));
        } catch (IOException | IllegalArgumentException e) {
            System.getLogger("scheduler.app").log(System.Logger.Level.WARNING,
                    "no evidence signing key in " + config.dataDir() + " (" + e.getMessage() + "); bundles are unavailable");
            return null;
        }
    }

    private static Scanner scanner(AppConfig config, long seed, Clock clock) {
        if (config.scannerUrl() != null) {
            return new HttpScanner(URI.create(config.scannerUrl()), Duration.ofSeconds(30), () -> System.getenv("SCHEDULER_SCANNER_TOKEN"));
        }
        return new SimulatedScanner(seed, new SimulatedScanner.Profile(config.simulatedLatency(),
                config.simulatedUnavailableRate(), config.simulatedTimeoutRate(), 0, 0.3), clock);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public AppConfig config() {
        return config;
    }

    /** The SQL store (embedded SQLite or PostgreSQL) when one is in use: for operators' tools and fault tests. */
    public java.util.Optional<JdbcStorage> sqlStore() {
        return java.util.Optional.ofNullable(sql);
    }

    /**
     * Runs many store writes made on this thread as one unit: one transaction (one commit, one fsync) on the SQL
     * stores, one after the other on MongoDB. For bulk loads such as seeding the demo estate.
     */
    public void bulk(Runnable work) {
        bulk.accept(work);
    }

    /** Graceful: workers stop claiming and finish the segments in hand, then connections close. */
    @Override
    public void close() {
        scheduler.close();
        closeAll(resources);
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                System.getLogger("scheduler.app").log(System.Logger.Level.WARNING, "closing failed: " + e);
            }
        }
    }
}
