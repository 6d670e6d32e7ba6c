package io.verdict.scheduler.bench;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.inmemory.InMemoryImageStore;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Plans a sweep over every image of a tenant with {@code targets} images, on the in-memory adapters: lock,
 * impact resolution, ordering, segment cutting, plan digest (canonical JSON + SHA-256), persisting run and
 * segments, enqueueing, run events. Each measured plan gets a fresh scheduler (fresh run/segment stores and
 * queue, index loaded from the same image store), so no plan is deduplicated against an earlier one and stores
 * do not grow across iterations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 15)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class PlannerBenchmark {
    @Param("100000")
    int targets;

    private InMemoryImageStore images;
    private Scheduler scheduler;
    private PlannedRun last;

    @Setup(Level.Trial)
    public void fillImageStore() {
        images = new InMemoryImageStore();
        List<Component> components = List.of(new Component("pkg:deb/debian/openssl@3.0.11-1", true),
                new Component("pkg:deb/debian/zlib1g@1.2.13", false));
        for (int i = 0; i < targets; i++) {
            images.save(new ImageRecord(SyntheticFleet.TENANT, SyntheticFleet.digest(i), "registry.example.com",
                    "team-" + (i % 50) + "/service-" + (i % 2000), List.of("team-" + (i % 50)), List.of("latest"),
                    Map.of("env", "prod"), components));
        }
    }

    @Setup(Level.Iteration)
    public void freshScheduler() {
        Storage fresh = Storage.inMemory(Clock.systemUTC());
        Storage storage = new Storage(fresh.runs(), fresh.segments(), fresh.deltas(), fresh.verdicts(), images,
                fresh.schedules(), fresh.cursors(), fresh.audit(), fresh.events(), fresh.progress(), fresh.advisories(),
                fresh.policyRuns());
        scheduler = Scheduler.builder().storage(storage).seed(42).instanceId("bench").build();
    }

    @Benchmark
    public PlannedRun sweep() {
        last = scheduler.plan(PlanRequest.sweep(SyntheticFleet.TENANT, Trigger.MANUAL, Mode.ANALYSIS_ONLY,
                Selector.allImages(SyntheticFleet.TENANT), RunReason.manual("benchmark", null), null));
        return last;
    }

    /** A plan that quietly covered fewer images would be a faster, wrong benchmark. */
    @TearDown(Level.Iteration)
    public void checkPlan() {
        int planned = last.segments().stream().mapToInt(s -> s.digests().size()).sum();
        if (planned != targets) throw new IllegalStateException("planned " + planned + " of " + targets + " targets");
        scheduler.close();
    }
}
