package io.verdict.scheduler.app.runtime;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.SchedulerBuilder;
import io.verdict.scheduler.app.config.AppConfig;
import io.verdict.scheduler.execution.Scanner;
import io.verdict.scheduler.http.clients.HttpScanner;
import io.verdict.scheduler.mongo.MongoServerClock;
import io.verdict.scheduler.mongo.MongoStorage;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.redis.RedisConnection;
import io.verdict.scheduler.redis.RedisLockService;
import io.verdict.scheduler.redis.RedisQueueSettings;
import io.verdict.scheduler.redis.RedisRunEventLog;
import io.verdict.scheduler.redis.RedisSegmentQueue;
import io.verdict.scheduler.simulation.SimulatedScanner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * Wires a {@link Scheduler} from the configuration: the store (external MongoDB, or the embedded one — an
 * in-process MongoDB wire server on an H2 file in the data directory, so the default is durable with the same
 * adapter code), the queue, locks and live events (Redis when configured, else the store), the scanner (HTTP or
 * simulated), and the workers. Closing it shuts down in reverse order after the workers finished their segments.
 */
public final class SchedulerRuntime implements AutoCloseable {
    private final AppConfig config;
    private final Scheduler scheduler;
    private final Deque<AutoCloseable> resources;

    private SchedulerRuntime(AppConfig config, Scheduler scheduler, Deque<AutoCloseable> resources) {
        this.config = config;
        this.scheduler = scheduler;
        this.resources = resources;
    }

    public static SchedulerRuntime start(AppConfig config, SchedulerMetrics metrics) {
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            MongoDatabase db = database(config, resources);
            // Shared stores are judged by the database server's clock (one clock for every node); the embedded store
            // lives in this process, so its clock is this process's.
            Clock clock = config.embeddedStore() ? Clock.systemUTC() : new MongoServerClock(db);
            MongoStorage mongo = new MongoStorage(db, clock);
            resources.push(mongo);
            long seed = config.seed() != null ? config.seed() : new SplittableRandom().nextLong();
            // The adapters' ports go straight into the builder: wiring names adapter classes, never the core's
            // storage, queue or lock ports (ArchitectureRules: app and http never depend on them).
            SchedulerBuilder builder = Scheduler.builder().clock(clock).seed(seed).role(config.role())
                    .storage(mongo.storage()).tickLedger(mongo.tickLedger())
                    .scanner(scanner(config, seed, clock)).metrics(metrics).segmentSize(config.segmentSize())
                    .leaseTime(config.leaseTime()).maxIndexAge(config.maxIndexAge()).instanceId(config.instanceId())
                    .evidenceSigner(evidenceSigner(config));
            if (config.redisUri() != null) {
                RedisConnection redis = RedisConnection.connect(config.redisUri());
                resources.push(redis);
                RedisRunEventLog log = new RedisRunEventLog(redis, config.redisPrefix());
                resources.push(log);
                builder.queue(new RedisSegmentQueue(redis, RedisQueueSettings.runner(config.redisPrefix())))
                        .locks(new RedisLockService(redis, config.redisPrefix())).runEvents(log);
            } else {
                builder.queue(mongo.segmentQueue()).locks(mongo.lockService());
            }
            Scheduler scheduler = builder.build();
            // The role decides what starts: workers (after re-enqueueing unfinished runs, idempotent with a durable
            // queue) unless api-only, cron unless worker-only.
            scheduler.start(config.workers());
            return new SchedulerRuntime(config, scheduler, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    private static MongoDatabase database(AppConfig config, Deque<AutoCloseable> resources) {
        String uri = config.mongoUri();
        if (uri == null) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
            }
            MongoServer server = new MongoServer(new H2Backend(config.dataDir().resolve("scheduler.mv").toString()));
            InetSocketAddress address = server.bind(); // loopback, random free port: reachable from this process only
            resources.push(server::shutdown);
            uri = "mongodb://127.0.0.1:" + address.getPort();
        }
        MongoClient client = MongoClients.create(uri);
        resources.push(client);
        return client.getDatabase(config.mongoDatabase());
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
