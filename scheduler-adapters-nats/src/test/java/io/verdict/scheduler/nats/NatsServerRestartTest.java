package io.verdict.scheduler.nats;

import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.intake.IntakeEvent;
import io.verdict.scheduler.queue.LockLease;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run survives its NATS server being killed (SIGKILL) and restarted on the same store mid-run: the queued and
 * leased segments, the consumer's position, the lock revisions and the run's events come back from disk, and the
 * workers carry on once the client has reconnected.
 */
class NatsServerRestartTest {
    private static final int IMAGES = 120;
    private static final int SEGMENT_SIZE = 4; // 30 segments; completed counts images

    @TempDir
    Path dir;

    @Test
    void aRunCompletesAcrossANatsRestart() throws Exception {
        try (NatsServerProcess server = new NatsServerProcess(dir.resolve("store")).start();
             NatsConnection nats = NatsConnection.connect(server.url())) {
            String ns = "restart";
            NatsRunEventLog events = new NatsRunEventLog(nats, ns);
            NatsLockService locks = new NatsLockService(nats, ns);
            Storage mem = Storage.inMemory(Clock.systemUTC());
            Storage storage = mem.withEvents(events);
            SimulatedScanner scanner = new SimulatedScanner(7,
                    new SimulatedScanner.Profile(Duration.ofMillis(60), 0, 0, 0, 0.3), Clock.systemUTC());
            LockLease before = locks.tryAcquire("before-restart", "node-a", Duration.ofMinutes(5)).orElseThrow();

            try (Scheduler scheduler = Scheduler.builder().seed(7).segmentSize(SEGMENT_SIZE).storage(storage)
                    .queue(new NatsSegmentQueue(nats, NatsQueueSettings.runner(ns).withAckWait(Duration.ofSeconds(2))))
                    .locks(locks).scanner(scanner).leaseTime(Duration.ofSeconds(5)).build()) {
                for (int i = 0; i < IMAGES; i++) {
                    scheduler.indexImage(new ImageRecord("acme", "sha256:" + String.format("%064x", i),
                            "registry.example.com", "team/app-" + i, List.of("payments"), List.of("1." + i),
                            Map.of("env", "prod"), List.of(new Component("pkg:deb/debian/openssl@3.0.11-1?arch=amd64", true))));
                }
                scheduler.startWorkers(2);
                var result = scheduler.intake(new IntakeEvent("evt-restart", IntakeEvent.Source.CONCELIER, "acme",
                        Set.of("pkg:deb/debian/openssl@3.0.11-1"), Set.of(), Set.of(), "export-1", null));
                String runId = result.runId().orElseThrow();

                awaitCompleted(scheduler, runId, 4 * SEGMENT_SIZE);
                int doneBeforeKill = scheduler.stats(scheduler.run("acme", runId)).completed();
                assertThat(doneBeforeKill).as("killed mid-run").isLessThan(IMAGES / 2);
                server.kill();
                Thread.sleep(1_500); // workers keep trying against a dead server
                server.start();

                Run run = scheduler.awaitTerminal("acme", runId, Duration.ofSeconds(90));
                assertThat(run.state()).isEqualTo(RunState.COMPLETED);
                assertThat(scheduler.stats(run).completed()).as("every image scanned").isEqualTo(IMAGES);

                List<RunEventRecord> log = new ArrayList<>();
                for (List<RunEventRecord> page = events.after(runId, 0, 500); !page.isEmpty();
                     page = events.after(runId, page.get(page.size() - 1).seq(), 500)) {
                    log.addAll(page);
                }
                assertThat(log).extracting(RunEventRecord::seq).as("no event number lost or taken twice")
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, log.size()).boxed().toList());
            }

            LockLease after = locks.tryAcquire("after-restart", "node-a", Duration.ofMinutes(5)).orElseThrow();
            assertThat(after.fencingToken()).as("revisions never go backwards across the restart")
                    .isGreaterThan(before.fencingToken());
            assertThat(locks.tryAcquire("before-restart", "node-b", Duration.ofMinutes(5)))
                    .as("the lock taken before the restart is still held").isEmpty();
        }
    }

    private static void awaitCompleted(Scheduler scheduler, String runId, int images) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Run run = scheduler.run("acme", runId);
            if (run != null && scheduler.stats(run).completed() >= images) return;
            Thread.sleep(20);
        }
        throw new AssertionError("the run did not get going");
    }
}
