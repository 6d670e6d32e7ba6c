package io.verdict.scheduler.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.execution.Finding;
import io.verdict.scheduler.execution.FindingStatus;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.Trigger;
import org.bson.Document;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: executes one run end to end on MongoDB (planned, queued, claimed, evaluated by a zero-latency scanner,
 * deltas recorded, acked, completed) with 2 workers, and prints targets per second and the database commands per
 * target, by command name. Usage: {@code scheduler-adapters-mongo/run-benchmark.sh} with main class
 * {@code ExecuteOnMongoBenchmark} (see the README); args: [targets=5000] [segmentSize=100].
 */
public final class ExecuteOnMongoBenchmark {
    private ExecuteOnMongoBenchmark() {}

    public static void main(String[] args) throws Exception {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int segmentSize = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        MongoServer server = new MongoServer(new MemoryBackend());
        InetSocketAddress a = server.bind();
        Map<String, AtomicLong> commands = new ConcurrentHashMap<>();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent e) {
                // Listeners run on the calling thread: count the workers' commands, not this harness' polling.
                if (!Thread.currentThread().getName().startsWith("scheduler-")) return;
                commands.computeIfAbsent(e.getCommandName(), k -> new AtomicLong()).incrementAndGet();
            }
        };
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://" + a.getHostString() + ":" + a.getPort()))
                .addCommandListener(counter).build();
        try (MongoClient client = MongoClients.create(settings)) {
            MongoDatabase db = client.getDatabase("verdict_exec_bench");
            Clock clock = Clock.systemUTC();
            try (MongoStorage mongo = new MongoStorage(db, clock)) {
                seedImages(db, TestEstate.images("acme", targets));
                Instant t0 = Instant.parse("2025-10-26T14:05:11Z");
                try (Scheduler s = Scheduler.builder().clock(clock).seed(1).segmentSize(segmentSize)
                        .storage(mongo.storage()).queue(mongo.segmentQueue()).locks(mongo.lockService())
                        .scanner(req -> new ScanReport("r", req.imageDigest(), "fail", List.of(new Finding(
                                "CVE-2025-0001", "pkg:npm/left-pad@1.3.0", Severity.HIGH, false,
                                FindingStatus.AFFECTED)), t0))
                        .build()) {
                    PlannedRun p = s.plan(PlanRequest.sweep("acme", Trigger.MANUAL, Mode.ANALYSIS_ONLY,
                            Selector.allImages("acme"), RunReason.manual("bench", "bench"), null));
                    commands.clear();
                    long start = System.nanoTime();
                    s.startWorkers(2);
                    Run done = s.run("acme", p.run().id());
                    while (!done.state().isTerminal()) {
                        Thread.sleep(250);
                        done = s.run("acme", p.run().id());
                    }
                    double secs = (System.nanoTime() - start) / 1e9; // up to 0.25 s of polling slack
                    long total = commands.values().stream().mapToLong(AtomicLong::get).sum();
                    System.out.printf(Locale.ROOT, "%s: %,d targets in %,d segments, 2 workers: %.2f s, %.0f targets/s, "
                                    + "%.2f database commands per target%n", done.state().wire(), p.run().deduped(),
                            p.segments().size(), secs, p.run().deduped() / secs, (double) total / p.run().deduped());
                    Map<String, Long> sorted = new TreeMap<>();
                    commands.forEach((k, v) -> sorted.put(k, v.get()));
                    System.out.println("commands: " + sorted);
                }
            }
            db.drop();
        } finally {
            server.shutdownNow();
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
}
