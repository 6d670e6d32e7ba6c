package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.TestEstate;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.planning.PlannedRun;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.impact.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default made durable: mongo-java-server with its H2 file backend behind the Mongo adapters.
 * A run planned before the server stops is still there, with its segments and queued work, after it starts
 * again on the same file, and finishes then. Always runs in-process (it restarts the server it owns).
 */
class H2DurabilityTest {
    @TempDir
    Path dir;

    private record Embedded(MongoServer server, MongoClient client, MongoDatabase db) implements AutoCloseable {
        static Embedded start(Path file) {
            MongoServer server = new MongoServer(new H2Backend(file.toString()));
            InetSocketAddress a = server.bind();
            MongoClient client = MongoClients.create("mongodb://" + a.getHostString() + ":" + a.getPort());
            return new Embedded(server, client, client.getDatabase("verdict"));
        }

        @Override
        public void close() {
            client.close();
            server.shutdown();
        }
    }

    private static Scheduler scheduler(MongoStorage mongo, Clock clock) {
        return Scheduler.builder().clock(clock).seed(3).segmentSize(5).storage(mongo.storage())
                .queue(mongo.segmentQueue()).locks(mongo.lockService()).tickLedger(mongo.tickLedger()).build();
    }

    @Test
    void runsSegmentsAndQueuedWorkSurviveAServerRestart() throws Exception {
        Path file = dir.resolve("verdict.mv");
        Clock clock = Clock.tickMillis(java.time.ZoneOffset.UTC);
        Run planned;
        List<Segment> plannedSegments;
        try (Embedded first = Embedded.start(file);
             MongoStorage mongo = new MongoStorage(first.db(), clock);
             Scheduler scheduler = scheduler(mongo, clock)) {
            for (ImageRecord image : TestEstate.images("acme", 20)) scheduler.indexImage(image);
            // No workers: the run stays queued when the server goes down.
            PlannedRun p = scheduler.plan(PlanRequest.sweep("acme", Trigger.MANUAL, Mode.ANALYSIS_ONLY,
                    Selector.allImages("acme"), RunReason.manual("durability", "corr-h2"), null));
            planned = scheduler.run("acme", p.run().id());
            plannedSegments = scheduler.segments(planned);
            assertThat(planned.state()).isEqualTo(RunState.QUEUED);
            assertThat(plannedSegments).hasSize(4);
        }

        try (Embedded second = Embedded.start(file);
             MongoStorage mongo = new MongoStorage(second.db(), clock);
             Scheduler scheduler = scheduler(mongo, clock)) {
            assertThat(scheduler.run("acme", planned.id())).isEqualTo(planned);
            assertThat(scheduler.segments(planned)).isEqualTo(plannedSegments);
            assertThat(mongo.segmentQueue().depth()).singleElement()
                    .satisfies(d -> assertThat(d.ready()).isEqualTo(4));
            assertThat(scheduler.indexedImages("acme")).isEqualTo(20);

            scheduler.startWorkers(2);
            Run done = scheduler.awaitTerminal("acme", planned.id(), Duration.ofSeconds(30));
            assertThat(done.state()).isEqualTo(RunState.COMPLETED);
            assertThat(scheduler.stats(done).completed()).isEqualTo(20);
        }
    }
}
