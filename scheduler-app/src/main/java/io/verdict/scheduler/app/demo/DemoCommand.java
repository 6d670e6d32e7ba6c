package io.verdict.scheduler.app.demo;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.app.cli.Args;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.intake.IntakeResult;
import io.verdict.scheduler.jdbc.JdbcDatabase;
import io.verdict.scheduler.jdbc.JdbcStorage;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.simulation.SimulatedScanner;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code demo}: builds a synthetic estate, ingests an advisory, plans the impacted run and executes it with the
 * simulated scanner on worker threads, printing live progress and the summary. Same {@code --seed}, same run
 * ID and plan digest.
 */
public final class DemoCommand {
    public static final Instant EPOCH = Instant.parse("2025-10-26T14:05:11Z");

    public static final Set<String> OPTIONS = Set.of("seed", "images", "workers", "segment-size", "latency-ms",
            "unavailable-rate", "timeout-rate", "tenant", "data-dir");

    /** The demo's own SQLite file in the data directory, emptied at the start of every demo. */
    public static final String DEMO_FILE = "demo.db";

    /** What a demo run produced, for tests and the summary. */
    public record Result(Run run, RunStats stats, int impacted, long elapsedMillis) {}

    public static int run(List<String> argv, PrintStream out) throws InterruptedException {
        Args a = Args.parse("demo", argv, OPTIONS, Set.of());
        long seed = a.longValue("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
        int images = a.intValue("images", 10_000, 1, 1_000_000);
        int workers = a.intValue("workers", 4, 1, 256);
        int segmentSize = a.intValue("segment-size", 100, 1, 100_000);
        int latency = a.intValue("latency-ms", 8, 0, 10_000);
        double unavailable = a.doubleValue("unavailable-rate", 0.02, 0, 0.9);
        double timeout = a.doubleValue("timeout-rate", 0.0005, 0, 0.5);
        String tenant = a.string("tenant", "demo");
        if (!DemoEstate.TENANTS.contains(tenant)) {
            throw new io.verdict.scheduler.app.cli.UsageException("demo: --tenant must be one of " + DemoEstate.TENANTS);
        }
        String dirOption = a.string("data-dir", null);
        String dirEnv = System.getenv("SCHEDULER_DATA_DIR");
        Path dataDir = Path.of(dirOption != null ? dirOption : dirEnv != null && !dirEnv.isBlank() ? dirEnv : "data");
        Result r = execute(seed, images, workers, segmentSize, latency, unavailable, timeout, tenant, dataDir, out);
        return r.run().state() == io.verdict.scheduler.runs.RunState.COMPLETED ? 0 : 1;
    }

    /** The demo in a temporary data directory, removed afterwards. */
    public static Result execute(long seed, int images, int workers, int segmentSize, int latencyMs,
                                 double unavailableRate, double timeoutRate, String tenant, PrintStream out)
            throws InterruptedException {
        Path dir;
        try {
            dir = Files.createTempDirectory("verdict-demo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return execute(seed, images, workers, segmentSize, latencyMs, unavailableRate, timeoutRate, tenant, dir, out);
        } finally {
            deleteStore(dir);
            try {
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }

    /**
     * The demo on the embedded default: a SQLite store ({@value #DEMO_FILE} in {@code dataDir}, emptied first so the
     * same seed gives the same run on every invocation), its store-backed queue and locks.
     */
    public static Result execute(long seed, int images, int workers, int segmentSize, int latencyMs,
                                 double unavailableRate, double timeoutRate, String tenant, Path dataDir,
                                 PrintStream out) throws InterruptedException {
        AnchoredClock clock = new AnchoredClock(EPOCH);
        SimulatedScanner scanner = new SimulatedScanner(seed, new SimulatedScanner.Profile(
                Duration.ofMillis(latencyMs), unavailableRate, timeoutRate, 0, 0.3), clock);
        deleteStore(dataDir);
        try (JdbcDatabase db = JdbcDatabase.sqlite(dataDir.resolve(DEMO_FILE));
             JdbcStorage store = new JdbcStorage(db, clock);
             Scheduler scheduler = Scheduler.builder().clock(clock).seed(seed).scanner(scanner)
                .storage(store.storage()).queue(store.segmentQueue()).locks(store.lockService())
                .tickLedger(store.tickLedger()).unitOfWork(store.unitOfWork())
                .segmentSize(segmentSize).leaseTime(Duration.ofSeconds(20))
                .retryPolicy(new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2, 6, Duration.ofMillis(100)))
                .instanceId("demo").build()) {

            long t0 = System.nanoTime();
            DemoEstate estate = new DemoEstate(seed);
            List<ImageRecord> estateImages = estate.images(images);
            long[] components = {0};
            store.inOneTransaction(() -> { // one commit for the whole estate
                for (ImageRecord img : estateImages) {
                    scheduler.indexImage(img);
                    // The verdicts from before the advisory: what the new ones are compared against.
                    scheduler.importVerdict(img.tenantId(), scanner.baseline(img.digest(), EPOCH.minus(Duration.ofDays(1))));
                    components[0] += img.components().size();
                }
            });
            out.printf("estate    %,d images across %s, %,d components in %d ms%n",
                    estateImages.size(), DemoEstate.TENANTS, components[0],
                    (System.nanoTime() - t0) / 1_000_000);

            DemoEstate.Advisory advisory = estate.advisory();
            out.printf("advisory  %s: %d purls (KEV: %s)%n", advisory.exportId(), advisory.purls().size(), advisory.kevPurls());

            clock.anchor(EPOCH);
            scheduler.markIndexRefreshed();
            IntakeResult intake = scheduler.intake(new IntakeEvent("evt-" + advisory.exportId(),
                    IntakeEvent.Source.CONCELIER, tenant, advisory.purls(), Set.of(), advisory.kevPurls(),
                    advisory.exportId(), EPOCH));
            Run run = scheduler.run(tenant, intake.runId().orElseThrow());
            out.printf("planned   %s%n          %d impacted images of tenant %s -> %d segments of <= %d, plan %s%n",
                    run.id(), run.candidates(), tenant, run.shardCount(), segmentSize, run.planDigest());

            long start = System.nanoTime();
            scheduler.startWorkers(workers);
            int total = run.deduped();
            while (!run.state().isTerminal()) {
                Thread.sleep(250);
                run = scheduler.run(tenant, run.id());
                RunStats s = scheduler.stats(run);
                double minutes = (System.nanoTime() - start) / 60e9;
                out.printf("progress  %-9s %,6d/%,d (%5.1f%%) %,8.0f targets/min  deltas %d (+%d critical, +%d high, KEV %d)%n",
                        run.state().wire(), s.processed(), total, total == 0 ? 100.0 : 100.0 * s.processed() / total,
                        minutes > 0 ? s.processed() / minutes : 0, s.deltas(), s.severity().newCriticals(), s.severity().newHigh(), s.severity().kevHits());
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            RunStats s = scheduler.stats(run);
            out.println();
            out.println("run       " + run.id());
            out.println("state     " + run.state().wire() + (run.error() == null ? "" : " " + run.error().code() + " " + run.error().message()));
            out.printf("impacted  %d images (%d evaluated, %d failed) in %d ms with %d workers%n",
                    run.candidates(), s.completed(), s.failed(), elapsed, workers);
            out.printf("deltas    %d images: +%d critical, +%d high, +%d medium, +%d low, -%d resolved, -%d quieted, KEV %d%n",
                    s.deltas(), s.severity().newCriticals(), s.severity().newHigh(), s.severity().newMedium(), s.severity().newLow(), s.severity().resolved(), s.severity().quieted(), s.severity().kevHits());
            out.println("plan      " + run.planDigest());
            return new Result(run, s, run.candidates(), elapsed);
        }
    }

    private static void deleteStore(Path dataDir) {
        for (String suffix : new String[] {"", "-wal", "-shm", ".lock"}) {
            try {
                Files.deleteIfExists(dataDir.resolve(DEMO_FILE + suffix));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot empty the demo store in " + dataDir, e);
            }
        }
    }
}
