package io.verdict.scheduler.bench.race;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.KeyScanCursor;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.SchedulerBuilder;
import io.verdict.scheduler.events.outbox.EventSink;
import io.verdict.scheduler.events.outbox.OutboxDispatcher;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.jdbc.JdbcDatabase;
import io.verdict.scheduler.jdbc.JdbcServerClock;
import io.verdict.scheduler.jdbc.JdbcStorage;
import io.verdict.scheduler.mongo.MongoServerClock;
import io.verdict.scheduler.mongo.MongoStorage;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.redis.RedisConnection;
import io.verdict.scheduler.redis.RedisEventStreamSink;
import io.verdict.scheduler.redis.RedisLockService;
import io.verdict.scheduler.redis.RedisQueueSettings;
import io.verdict.scheduler.redis.RedisRunEventLog;
import io.verdict.scheduler.redis.RedisSegmentQueue;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.simulation.SimulatedScanner;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Our scheduler end to end: N images indexed (outside the headline), then one all-images sweep planned, queued,
 * claimed by 2 workers, evaluated by the zero-latency zero-failure simulated scanner, deltas recorded, acked and
 * the run completed. The store and transport are wired the way {@code SchedulerRuntime} wires {@code serve}: the
 * adapters' public constructors, the durable outbox with its dispatcher, and with Redis the queue, locks, live run
 * events and the outbound event stream on Redis.
 */
final class OursLane {
    /** Which store and transport. */
    enum Store { MEMORY, SQLITE, POSTGRES_REDIS, MONGO_REDIS }

    private static final String TENANT = "race";
    private static final int WORKERS = 2;
    private static final long SEED = 7;

    private OursLane() {}

    static LaneResult run(String lane, Store store, int targets) throws Exception {
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            SchedulerBuilder builder = Scheduler.builder();
            Wiring w = wire(store, builder, resources);
            Clock clock = w.clock();
            Consumer<Runnable> bulk = w.bulk();
            // As SchedulerRuntime: a simulated scanner with the configured (here zero) latency and failure rates.
            builder.seed(SEED).scanner(new SimulatedScanner(SEED, new SimulatedScanner.Profile(Duration.ZERO, 0, 0, 0, 0.3), clock))
                    .segmentSize(100).leaseTime(Duration.ofSeconds(30)).instanceId("race-" + lane);
            try (Scheduler s = builder.build()) {
                List<ImageRecord> images = images(targets);
                long t0 = System.nanoTime();
                bulk.accept(() -> images.forEach(s::indexImage));
                long indexed = System.nanoTime();
                // serve starts its workers (and cron) at start-up, before any run is submitted.
                s.start(WORKERS);
                long planStart = System.nanoTime();
                Run run = s.plan(PlanRequest.sweep(TENANT, Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages(TENANT),
                        RunReason.manual("race", null), null)).run();
                long planned = System.nanoTime();
                Run done = s.awaitTerminal(TENANT, run.id(), Duration.ofHours(2));
                long finished = System.nanoTime();
                String outcome = done.state().wire() + " deduped=" + done.deduped();
                if (done.deduped() != targets) outcome = "WRONG " + outcome;
                return new LaneResult(lane, targets, (indexed - t0) / 1e9, (planned - planStart) / 1e9,
                        (finished - planStart) / 1e9, outcome);
            }
        } finally {
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    System.err.println("closing failed: " + e);
                }
            }
        }
    }

    /** The images: one component each, so every image is one target of the sweep. */
    static List<ImageRecord> images(int n) {
        List<ImageRecord> images = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            images.add(new ImageRecord(TENANT, String.format("sha256:%064x", i), "registry.local", "app/svc" + (i % 50),
                    List.of("ns" + (i % 10)), List.of("v1"), Map.of(),
                    List.of(new Component("pkg:npm/lodash@4.17." + (i % 20), true))));
        }
        return images;
    }

    /** The clock leases are judged by, and how a bulk load runs (one transaction on the SQL stores). */
    private record Wiring(Clock clock, Consumer<Runnable> bulk) {}

    /** Puts the store's (and transport's) ports into the builder. */
    private static Wiring wire(Store store, SchedulerBuilder b, Deque<AutoCloseable> resources) throws Exception {
        OutboxDispatcher.Settings delivery = OutboxDispatcher.Settings.DEFAULT;
        switch (store) {
            case MEMORY -> {
                b.clock(Clock.systemUTC());
                return new Wiring(Clock.systemUTC(), Runnable::run);
            }
            case SQLITE -> {
                // SchedulerRuntime.embedded: one SQLite file, the process's clock, queue/locks/ledger/outbox in it.
                Path dir = Files.createTempDirectory("race-sqlite");
                resources.push(() -> deleteTree(dir));
                // A lane stopped for overrunning gets SIGTERM: the file goes then too.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        deleteTree(dir);
                    } catch (java.io.IOException ignored) {
                        // best effort at exit
                    }
                }));
                JdbcDatabase db = JdbcDatabase.sqlite(dir.resolve("scheduler.db"));
                resources.push(db);
                Clock clock = Clock.systemUTC();
                JdbcStorage jdbc = new JdbcStorage(db, clock);
                resources.push(jdbc);
                jdbc.recoverEmbedded();
                b.clock(clock).storage(jdbc.storage()).queue(jdbc.segmentQueue()).locks(jdbc.lockService())
                        .tickLedger(jdbc.tickLedger()).unitOfWork(jdbc.unitOfWork()).indexFollowPeriod(Duration.ZERO)
                        .outbox(jdbc.outbox(), List.of(), delivery);
                return new Wiring(clock, jdbc::inOneTransaction);
            }
            case POSTGRES_REDIS -> {
                // SchedulerRuntime.postgres (pool 16, the server's clock) + the Redis transport of start().
                Postgres pg = new Postgres("ours");
                resources.push(pg);
                JdbcDatabase db = JdbcDatabase.postgres(pg.url(), Postgres.USER, null, 16);
                resources.push(db);
                Clock clock = new JdbcServerClock(db);
                JdbcStorage jdbc = new JdbcStorage(db, clock);
                resources.push(jdbc);
                b.clock(clock).storage(jdbc.storage()).tickLedger(jdbc.tickLedger()).unitOfWork(jdbc.unitOfWork());
                List<EventSink> sinks = redis(b, resources, jdbc.fencingFloor());
                b.outbox(jdbc.outbox(), sinks, delivery);
                return new Wiring(clock, jdbc::inOneTransaction);
            }
            case MONGO_REDIS -> {
                // SchedulerRuntime.mongo on an in-process mongo-java-server (memory backend; a test double of
                // MongoDB, not an engine users run) + the Redis transport.
                MongoServer server = new MongoServer(new MemoryBackend());
                InetSocketAddress address = server.bind();
                resources.push(server::shutdownNow);
                MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
                resources.push(client);
                MongoDatabase db = client.getDatabase("race");
                Clock clock = new MongoServerClock(db);
                MongoStorage mongo = new MongoStorage(db, clock);
                resources.push(mongo);
                b.clock(clock).storage(mongo.storage()).tickLedger(mongo.tickLedger()).unitOfWork(mongo.unitOfWork());
                List<EventSink> sinks = redis(b, resources, mongo.fencingFloor());
                b.outbox(mongo.outbox(), sinks, delivery);
                return new Wiring(clock, Runnable::run);
            }
        }
        throw new IllegalArgumentException(store.toString());
    }

    /** The Redis transport as SchedulerRuntime wires it, under a key prefix of this lane's own (deleted after). */
    private static List<EventSink> redis(SchedulerBuilder b, Deque<AutoCloseable> resources,
                                         java.util.function.LongSupplier fencingFloor) {
        String prefix = "race-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + ":";
        RedisConnection redis = RedisConnection.connect(RawRedisLane.URI);
        resources.push(redis);
        resources.push(() -> deleteKeys(redis, prefix));
        RedisRunEventLog log = new RedisRunEventLog(redis, prefix);
        resources.push(log);
        b.queue(new RedisSegmentQueue(redis, RedisQueueSettings.runner(prefix), fencingFloor))
                .locks(new RedisLockService(redis, prefix)).runEvents(log);
        List<EventSink> sinks = new ArrayList<>();
        sinks.add(new RedisEventStreamSink(redis, prefix, 100_000));
        return sinks;
    }

    static void deleteKeys(RedisConnection redis, String prefix) {
        var cmd = redis.commands();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = cmd.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
            if (!page.getKeys().isEmpty()) cmd.unlink(page.getKeys().toArray(String[]::new));
            cursor = page;
        } while (!cursor.isFinished());
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
