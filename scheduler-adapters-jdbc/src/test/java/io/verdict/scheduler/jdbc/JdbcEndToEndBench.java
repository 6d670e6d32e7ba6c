package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end throughput on the JDBC store (not a unit test; its name keeps it out of the default build):
 * N targets planned, queued, claimed, evaluated by the zero-latency simulated scanner, deltas recorded, acked and
 * completed, with 2 workers, on SQLite and on PostgreSQL. Prints targets/s.
 *
 * <pre>
 * ./mvnw -B -pl scheduler-adapters-jdbc -am verify -Dtest=JdbcEndToEndBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.targets=100000
 * cat scheduler-adapters-jdbc/target/surefire-reports/io.verdict.scheduler.jdbc.JdbcEndToEndBench-output.txt
 * </pre>
 */
class JdbcEndToEndBench {
    private static final int TARGETS = Integer.getInteger("bench.targets", 100_000);

    @Test
    void sqlite() throws Exception {
        Path dir = Files.createTempDirectory("jdbc-bench");
        try (JdbcDatabase db = JdbcDatabase.sqlite(dir.resolve("scheduler.db"))) {
            run("sqlite", db);
        } finally {
            TestDatabase.deleteTree(dir);
        }
    }

    @Test
    void postgres() throws Exception {
        try (TestDatabase pg = TestDatabase.postgres(JdbcEndToEndBench.class)) {
            run("postgresql", pg.db());
        }
    }

    private static void run(String engine, JdbcDatabase db) throws Exception {
        Clock clock = Clock.systemUTC();
        try (JdbcStorage store = new JdbcStorage(db, clock);
             Scheduler s = Scheduler.builder().clock(clock).seed(7).storage(store.storage()).queue(store.segmentQueue())
                     .locks(store.lockService()).tickLedger(store.tickLedger())
                     .scanner(new SimulatedScanner(7, SimulatedScanner.Profile.FAST, clock)).segmentSize(100)
                     .instanceId("bench").build()) {
            long t0 = System.nanoTime();
            List<ImageRecord> images = new ArrayList<>(TARGETS);
            for (int i = 0; i < TARGETS; i++) {
                images.add(new ImageRecord("bench", String.format("sha256:%064x", i), "registry.local", "app/svc" + (i % 50),
                        List.of("ns" + (i % 10)), List.of("v1"), Map.of(), List.of(new Component("pkg:npm/lodash@4.17." + (i % 20), true))));
            }
            store.inOneTransaction(() -> images.forEach(s::indexImage));
            long indexed = System.nanoTime();
            Run run = s.plan(PlanRequest.sweep("bench", Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages("bench"),
                    RunReason.manual("bench", null), null)).run();
            long planned = System.nanoTime();
            s.startWorkers(2);
            Run done = s.awaitTerminal("bench", run.id(), Duration.ofMinutes(30));
            long finished = System.nanoTime();
            assertThat(done.deduped()).isEqualTo(TARGETS);
            double planSec = (planned - indexed) / 1e9;
            double execSec = (finished - planned) / 1e9;
            System.out.printf("%-10s %,d targets: index %.1f s, plan+enqueue %.1f s, execute %.1f s -> %,.0f targets/s "
                            + "end to end (plan..completed), state %s%n", engine, TARGETS, (indexed - t0) / 1e9, planSec,
                    execSec, TARGETS / (planSec + execSec), done.state().wire());
        }
    }
}
