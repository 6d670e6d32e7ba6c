package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.Lease;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentStore;
import io.verdict.scheduler.runs.Trigger;
import org.bson.Document;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test: plans one 100,000-target run into MongoDB through the real scheduler (planner lock,
 * impact resolution, run insert, 1,000 segments with insertMany, 1,000 queue enqueues, run events) and prints
 * how long it took, with the persistence part broken out. Target: ≤ 5 s per plan.
 *
 * <p>Runs against an in-process mongo-java-server (memory backend) unless {@code MONGO_URI} is set.
 * Usage: {@code scheduler-adapters-mongo/run-benchmark.sh [targets] [repetitions]}.
 */
public final class PlanIntoMongoBenchmark {
    private PlanIntoMongoBenchmark() {}

    public static void main(String[] args) throws Exception {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String uri = System.getenv("MONGO_URI");
        MongoServer server = null;
        if (uri == null || uri.isBlank()) {
            server = new MongoServer(new MemoryBackend());
            InetSocketAddress a = server.bind();
            uri = "mongodb://" + a.getHostString() + ":" + a.getPort();
            System.out.println("server: in-process mongo-java-server (memory backend)");
        } else {
            System.out.println("server: " + uri.replaceAll("//[^@/]*@", "//***@"));
        }
        try (MongoClient client = MongoClients.create(uri)) {
            MongoDatabase db = client.getDatabase("verdict_bench_" + Long.toHexString(System.nanoTime() & 0xffffff));
            try {
                run(db, targets, repetitions);
            } finally {
                db.drop();
            }
        } finally {
            if (server != null) server.shutdownNow();
        }
    }

    private static void run(MongoDatabase db, int targets, int repetitions) throws Exception {
        Clock clock = new MongoServerClock(db);
        try (MongoStorage mongo = new MongoStorage(db, clock)) {
            long t = System.nanoTime();
            seedImages(db, TestEstate.images("acme", targets));
            System.out.printf(Locale.ROOT, "seeded %,d image SBOMs with insertMany: %.2f s%n", targets, secs(t));

            TimedSegments segments = new TimedSegments(mongo.storage().segments());
            TimedQueue queue = new TimedQueue(mongo.segmentQueue());
            Storage s = mongo.storage();
            Storage timed = new Storage(s.runs(), segments, s.deltas(), s.verdicts(), s.images(), s.schedules(),
                    s.cursors(), s.audit(), s.events(), s.progress(), s.advisories(), s.policyRuns());
            t = System.nanoTime();
            try (Scheduler scheduler = Scheduler.builder().clock(clock).seed(1).segmentSize(100).storage(timed)
                    .queue(queue).locks(mongo.lockService()).build()) {
                System.out.printf(Locale.ROOT, "scheduler start, impact index rebuilt from Mongo (%,d images): %.2f s%n",
                        scheduler.indexedImages(), secs(t));
                List<Double> plans = new ArrayList<>();
                for (int i = 0; i <= repetitions; i++) {
                    segments.reset();
                    queue.reset();
                    t = System.nanoTime();
                    PlannedRun p = scheduler.plan(PlanRequest.sweep("acme", Trigger.MANUAL, Mode.ANALYSIS_ONLY,
                            Selector.allImages("acme"), RunReason.manual("benchmark " + i, "bench-" + i), null));
                    double total = secs(t);
                    String label = i == 0 ? "warm-up" : "plan " + i;
                    if (i > 0) plans.add(total);
                    System.out.printf(Locale.ROOT,
                            "%-8s %,d targets in %,d segments: %.2f s total; segments insertMany %.2f s; %,d enqueues %.2f s%n",
                            label, p.run().deduped(), p.segments().size(), total, segments.seconds(),
                            queue.count.get(), queue.seconds());
                }
                plans.sort(null);
                System.out.printf(Locale.ROOT, "median plan of %,d targets: %.2f s (target <= 5 s)%n", targets,
                        plans.get(plans.size() / 2));
            }
        }
    }

    private static void seedImages(MongoDatabase db, List<ImageRecord> images) {
        MongoCollection<Document> col = db.getCollection(CollectionNames.IMAGES);
        List<Document> batch = new ArrayList<>(5_000);
        for (ImageRecord image : images) {
            batch.add(ImageDocuments.toDocument(image));
            if (batch.size() == 5_000) {
                col.insertMany(batch, new InsertManyOptions().ordered(false));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) col.insertMany(batch, new InsertManyOptions().ordered(false));
    }

    private static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Times insertAll (the planner's bulk write of segments). */
    private static final class TimedSegments implements SegmentStore {
        private final SegmentStore delegate;
        private final AtomicLong nanos = new AtomicLong();

        TimedSegments(SegmentStore delegate) { this.delegate = delegate; }

        void reset() { nanos.set(0); }

        double seconds() { return nanos.get() / 1e9; }

        @Override
        public void insertAll(List<Segment> segments) {
            long t = System.nanoTime();
            delegate.insertAll(segments);
            nanos.addAndGet(System.nanoTime() - t);
        }

        @Override public Optional<Segment> find(String runId, int index) { return delegate.find(runId, index); }
        @Override public List<Segment> forRun(String runId) { return delegate.forRun(runId); }
        @Override public Segment update(Segment updated) { return delegate.update(updated); }
        @Override public long maxFencingToken() { return delegate.maxFencingToken(); }
    }

    /** Times enqueue (one insert per segment). */
    private static final class TimedQueue implements SegmentQueue {
        private final SegmentQueue delegate;
        private final AtomicLong nanos = new AtomicLong();
        final AtomicLong count = new AtomicLong();

        TimedQueue(SegmentQueue delegate) { this.delegate = delegate; }

        void reset() { nanos.set(0); count.set(0); }

        double seconds() { return nanos.get() / 1e9; }

        @Override
        public void enqueue(SegmentRef ref, Instant availableAt) {
            long t = System.nanoTime();
            delegate.enqueue(ref, availableAt);
            nanos.addAndGet(System.nanoTime() - t);
            count.incrementAndGet();
        }

        @Override public Optional<Lease> claim(String owner, Duration leaseTime) { return delegate.claim(owner, leaseTime); }
        @Override public Lease renew(Lease lease, Duration leaseTime) { return delegate.renew(lease, leaseTime); }
        @Override public boolean ack(Lease lease) { return delegate.ack(lease); }
        @Override public boolean retryAt(Lease lease, Instant availableAt) { return delegate.retryAt(lease, availableAt); }
        @Override public boolean deadLetter(Lease lease, String reason) { return delegate.deadLetter(lease, reason); }
        @Override public int reclaimExpired() { return delegate.reclaimExpired(); }
        @Override public int purgeRun(String runId) { return delegate.purgeRun(runId); }
        @Override public List<QueueDepth> depth() { return delegate.depth(); }
        @Override public List<DeadLetter> deadLetters(String tenantId, int limit) { return delegate.deadLetters(tenantId, limit); }
        @Override public String name() { return delegate.name(); }
    }
}
