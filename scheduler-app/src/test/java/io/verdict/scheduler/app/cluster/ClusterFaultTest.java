package io.verdict.scheduler.app.cluster;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.Storage;
import io.verdict.scheduler.app.Main;
import io.verdict.scheduler.execution.SegmentWorker;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.Selector;
import io.verdict.scheduler.mongo.MongoStorage;
import io.verdict.scheduler.nats.NatsConnection;
import io.verdict.scheduler.planning.PlanRequest;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunProgress;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.Trigger;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof of durability: one API process and three worker processes share a MongoDB (wire protocol) and Redis;
 * a 10,000-target run is started over HTTP, one worker is killed with SIGKILL mid-run, and the run still completes
 * with every target's result recorded exactly once and the same deltas as the embedded default computes.
 */
class ClusterFaultTest {
    private static final String TENANT = "ft";
    private static final long SEED = 77;
    private static final int TARGETS = 10_000;
    private static final String NATS_URL = System.getProperty("nats.url", "nats://127.0.0.1:4222");
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^ /]+:(\\d+)");

    @TempDir
    Path dir;
    private MongoServer mongoServer;
    private MongoClient client;
    private MongoStorage mongo;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private String prefix;
    private final String natsNamespace = "ft-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void startStore() {
        mongoServer = new MongoServer(new MemoryBackend());
        InetSocketAddress address = mongoServer.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        MongoDatabase db = client.getDatabase("scheduler");
        mongo = new MongoStorage(db, Clock.systemUTC());
        prefix = "ft-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void stopAll() throws Exception {
        for (NodeProcess n : nodes) n.close();
        for (AutoCloseable c : cleanup) c.close();
        mongo.close();
        client.close();
        mongoServer.shutdownNow();
        RedisKeys.deleteAll("redis://127.0.0.1:6379", prefix);
        try (NatsConnection nats = NatsConnection.connect(NATS_URL)) {
            nats.deleteNamespace(natsNamespace);
        }
    }

    private static List<ImageRecord> estate() {
        List<ImageRecord> out = new ArrayList<>(TARGETS);
        for (int i = 0; i < TARGETS; i++) {
            out.add(new ImageRecord(TENANT, String.format("sha256:%064x", 0xF00000L + i), "registry.example.com",
                    "team-" + (i % 7) + "/svc", List.of("team-" + (i % 7)), List.of("1.0." + i), Map.of(),
                    List.of(new Component("pkg:npm/lib-" + (i % 13) + "@1.0.0", i % 2 == 0))));
        }
        return out;
    }

    /** The queue transport of every node: Redis at {@code uri} under this test's prefix. */
    private Map<String, String> redis(String uri) {
        return Map.of("SCHEDULER_REDIS_URI", uri, "SCHEDULER_REDIS_PREFIX", prefix);
    }

    /** The queue transport of every node: NATS JetStream at 127.0.0.1:4222 in this test's own namespace. */
    private Map<String, String> nats() {
        return Map.of("SCHEDULER_NATS_URL", NATS_URL, "SCHEDULER_NATS_NAMESPACE", natsNamespace);
    }

    private Map<String, String> env(String role, String instance, Map<String, String> transport) {
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_ROLE", role);
        env.put("SCHEDULER_INSTANCE_ID", instance);
        env.put("SCHEDULER_MONGO_URI", "mongodb://127.0.0.1:" + mongoServer.getLocalAddress().getPort());
        env.putAll(transport);
        env.put("SCHEDULER_SEED", Long.toString(SEED));
        env.put("SCHEDULER_SEGMENT_SIZE", "50");
        env.put("SCHEDULER_LEASE_SECONDS", "3");
        env.put("SCHEDULER_WORKERS", role.equals("api") ? "0" : "2");
        env.put("SCHEDULER_SIM_LATENCY_MS", "1");
        env.put("SCHEDULER_SIM_UNAVAILABLE_RATE", "0.01");
        env.put("SCHEDULER_DATA_DIR", dir.resolve(instance).toString());
        env.put("SCHEDULER_HTTP_PORT", "0");
        return env;
    }

    /** Indexes the estate in the shared store, starts the API and three workers, starts the run over HTTP. */
    private String startClusterRun(Map<String, String> transport) throws Exception {
        Storage storage = mongo.storage();
        for (ImageRecord img : estate()) storage.images().save(img);
        NodeProcess api = NodeProcess.start("api", dir, env("api", "api-1", transport), "serve");
        nodes.add(api);
        int port = Integer.parseInt(api.await(LISTENING, Duration.ofSeconds(60)));
        for (int i = 1; i <= 3; i++) nodes.add(NodeProcess.start("worker-" + i, dir, env("worker", "worker-" + i, transport), "serve"));

        ByteArrayOutputStream token = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"token", "--tenant", TENANT, "--data-dir", dir.resolve("api-1").toString()},
                new PrintStream(token, true, StandardCharsets.UTF_8), System.err)).isZero();
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/scheduler/runs"))
                .header("Authorization", "Bearer " + token.toString(StandardCharsets.UTF_8).trim())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"fault test\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201, 202);
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"(run:[^\"]+)\"").matcher(created.body());
        assertThat(m.find()).as(created.body()).isTrue();
        return m.group(1);
    }

    private RunStats stats(String runId) {
        Run run = mongo.storage().runs().find(runId).orElseThrow();
        return RunProgress.stats(run, mongo.storage().segments().forRun(runId));
    }

    private Run awaitTerminal(String runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Run run = mongo.storage().runs().find(runId).orElseThrow();
        while (!run.state().isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            run = mongo.storage().runs().find(runId).orElseThrow();
        }
        return run;
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        for (NodeProcess n : nodes) {
            String out = n.output();
            sb.append("\n==== ").append(n.name()).append(" ====\n").append(out.length() > 4000 ? out.substring(out.length() - 4000) : out);
        }
        return sb.toString();
    }

    /** For a failed assertion: the run's error and every segment that did not complete, with its state and error. */
    private String unfinished(Run run) {
        StringBuilder sb = new StringBuilder("run ").append(run.id()).append(' ').append(run.state());
        if (run.error() != null) sb.append(' ').append(run.error());
        for (Segment s : mongo.storage().segments().forRun(run.id())) {
            if (s.state() == SegmentState.COMPLETED) continue;
            sb.append("\n  segment ").append(s.index()).append(' ').append(s.state()).append(" attempt ").append(s.attempt())
                    .append(" owner ").append(s.leaseOwner()).append(" token ").append(s.fencingToken());
            if (s.error() != null) sb.append(' ').append(s.error());
        }
        return sb.toString();
    }

    /** The same run on the embedded default (in memory, one process, no faults): the deltas to expect. */
    private static List<String> referenceDeltas() throws Exception {
        Clock clock = Clock.systemUTC();
        SimulatedScanner scanner = new SimulatedScanner(SEED, new SimulatedScanner.Profile(Duration.ZERO, 0, 0, 0, 0.3), clock);
        try (Scheduler s = Scheduler.builder().seed(SEED).scanner(scanner).segmentSize(50).build()) {
            estate().forEach(s::indexImage);
            Run run = s.plan(PlanRequest.sweep(TENANT, Trigger.MANUAL, Mode.ANALYSIS_ONLY, Selector.allImages(TENANT),
                    RunReason.manual("reference", null), null)).run();
            SegmentWorker w = s.newWorker("reference");
            while (w.runOnce()) { }
            assertThat(s.run(TENANT, run.id()).state()).isEqualTo(RunState.COMPLETED);
            return summarize(s.deltas(run));
        }
    }

    private static List<String> summarize(List<DeltaSummary> deltas) {
        return deltas.stream().map(d -> d.imageDigest() + " +" + d.newFindings() + " -" + d.severity().resolved() + " ~" + d.severity().quieted()
                + " kev" + d.kevHits()).toList();
    }

    @Test
    void killingAWorkerMidRunLosesNothingAndDoesNothingTwice() throws Exception {
        killAWorkerMidRun(redis("redis://127.0.0.1:6379"));
    }

    @Test
    void killingAWorkerMidRunOnNatsLosesNothingAndDoesNothingTwice() throws Exception {
        killAWorkerMidRun(nats());
    }

    private void killAWorkerMidRun(Map<String, String> transport) throws Exception {
        String runId = startClusterRun(transport);

        // Wait until the run is well under way, then SIGKILL a worker that holds a segment right now.
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (stats(runId).processed() < TARGETS / 4 && System.nanoTime() < deadline) Thread.sleep(50);
        NodeProcess victim = null;
        Map<Integer, Long> inHand = new HashMap<>();
        while (victim == null && System.nanoTime() < deadline) {
            for (Segment s : mongo.storage().segments().forRun(runId)) {
                if ((s.state() == SegmentState.RUNNING || s.state() == SegmentState.LEASED) && s.leaseOwner() != null) {
                    for (NodeProcess n : nodes) {
                        if (n.name().startsWith("worker") && s.leaseOwner().startsWith(n.name() + "-")) victim = n;
                    }
                    if (victim != null) break;
                }
            }
            if (victim == null) Thread.sleep(5);
        }
        assertThat(victim).as("a worker holding a segment" + logs()).isNotNull();
        victim.kill9();
        for (Segment s : mongo.storage().segments().forRun(runId)) {
            if (!s.state().isTerminal() && s.leaseOwner() != null && s.leaseOwner().startsWith(victim.name() + "-")) {
                inHand.put(s.index(), s.fencingToken());
            }
        }
        assertThat(stats(runId).processed()).as("killed mid-run").isLessThan(TARGETS);

        Run run = awaitTerminal(runId, Duration.ofSeconds(180));
        assertThat(run.state()).as(() -> unfinished(run) + logs()).isEqualTo(RunState.COMPLETED);
        List<Segment> segments = mongo.storage().segments().forRun(runId);
        assertThat(segments).as("no segment stuck").allSatisfy(s -> assertThat(s.state()).isEqualTo(SegmentState.COMPLETED));
        assertThat(segments.stream().mapToInt(Segment::size).sum()).isEqualTo(TARGETS);
        RunStats stats = stats(runId);
        assertThat(stats.completed()).as("each target's result counted exactly once").isEqualTo(TARGETS);
        assertThat(stats.failed()).isZero();
        assertThat(inHand).as("the dead worker held segments when it died").isNotEmpty();
        for (var e : inHand.entrySet()) {
            Segment s = segments.get(e.getKey());
            assertThat(s.fencingToken()).as("segment %d reclaimed under a newer lease", e.getKey()).isGreaterThan(e.getValue());
        }
        List<DeltaSummary> deltas = mongo.storage().deltas().forRun(runId);
        assertThat(deltas).hasSize(stats.deltas());
        assertThat(summarize(deltas)).as("same deltas as the embedded default").isEqualTo(referenceDeltas());
    }

    @Test
    void aRedisRestartMidRunDoesNotStopTheRun() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        OwnRedis redis = OwnRedis.start(port, dir.resolve("redis"));
        cleanup.add(redis);
        String runId = startClusterRun(redis("redis://127.0.0.1:" + port));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (stats(runId).processed() < TARGETS / 4 && System.nanoTime() < deadline) Thread.sleep(50);
        int before = stats(runId).processed();
        redis.restart();
        Run run = awaitTerminal(runId, Duration.ofSeconds(180));
        assertThat(run.state()).as(logs()).isEqualTo(RunState.COMPLETED);
        assertThat(before).isLessThan(TARGETS);
        assertThat(stats(runId).completed()).isEqualTo(TARGETS);
    }
}
