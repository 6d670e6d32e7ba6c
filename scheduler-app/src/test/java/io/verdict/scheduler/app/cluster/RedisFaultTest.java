package io.verdict.scheduler.app.cluster;

import io.verdict.scheduler.app.Main;
import io.verdict.scheduler.app.serve.ServeCommand;
import io.verdict.scheduler.impact.Component;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.redis.RedisConnection;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStats;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis faults against one serve process (embedded store + a redis-server this test owns): Redis emptied mid-run
 * (FLUSHALL), and Redis stopped then started again.
 */
class RedisFaultTest {
    private static final String TENANT = "rf";
    private static final int TARGETS = 300;

    @TempDir
    Path dir;
    private OwnRedis redis;
    private ServeCommand.Running svc;
    private String token;

    @AfterEach
    void tearDown() throws Exception {
        if (svc != null) svc.close();
        if (redis != null) redis.close();
    }

    private void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        redis = OwnRedis.start(port, dir.resolve("redis"));
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_REDIS_URI", "redis://127.0.0.1:" + port);
        env.put("SCHEDULER_REDIS_PREFIX", "rf:");
        env.put("SCHEDULER_LEASE_SECONDS", "2");
        env.put("SCHEDULER_SEGMENT_SIZE", "20");
        env.put("SCHEDULER_SIM_LATENCY_MS", "15");
        env.put("SCHEDULER_SEED", "5");
        svc = ServeCommand.start(List.of("--port", "0", "--data-dir", dir.resolve("data").toString(), "--workers", "2"),
                new PrintStream(new ByteArrayOutputStream()), env);
        for (int i = 0; i < TARGETS; i++) {
            svc.scheduler().indexImage(new ImageRecord(TENANT, String.format("sha256:%064x", 0xAB0000L + i),
                    "registry.example.com", "team-" + (i % 5) + "/svc", List.of("team-" + (i % 5)), List.of("1." + i),
                    Map.of(), List.of(new Component("pkg:npm/lib-" + (i % 11) + "@1.0.0", true))));
        }
        svc.scheduler().markIndexRefreshed();
        ByteArrayOutputStream tok = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"token", "--tenant", TENANT, "--data-dir", dir.resolve("data").toString()},
                new PrintStream(tok), new PrintStream(new ByteArrayOutputStream()))).isZero();
        token = tok.toString(StandardCharsets.UTF_8).trim();
    }

    private HttpResponse<String> postRun() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + svc.port() + "/api/v1/scheduler/runs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"fault\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private String startRun() throws Exception {
        HttpResponse<String> created = postRun();
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"(run:[^\"]+)\"").matcher(created.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private RunStats stats(String runId) {
        return svc.scheduler().stats(svc.scheduler().run(TENANT, runId));
    }

    private void awaitProcessed(String runId, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (stats(runId).processed() < atLeast && System.nanoTime() < deadline) Thread.sleep(20);
    }

    private void assertCompletedOnce(String runId) throws InterruptedException {
        long t0 = System.nanoTime();
        Run run = svc.scheduler().awaitTerminal(TENANT, runId, Duration.ofSeconds(120));
        System.out.printf("run finished %d ms after the fault ended%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        assertThat(run.error()).as("no spurious error code").isNull();
        RunStats stats = stats(runId);
        assertThat(stats.completed()).isEqualTo(TARGETS);
        assertThat(stats.failed()).isZero();
        List<Segment> segments = svc.scheduler().segments(run);
        assertThat(segments).allMatch(s -> s.state() == SegmentState.COMPLETED);
        assertThat(segments.stream().mapToInt(s -> s.digests().size()).sum()).isEqualTo(TARGETS);
        List<DeltaSummary> deltas = svc.scheduler().deltas(run);
        assertThat(deltas.stream().map(DeltaSummary::imageDigest).distinct().count())
                .as("each target's delta recorded once").isEqualTo(deltas.size());
        assertThat(deltas).hasSize(stats.deltas());
    }

    @Test
    void redisEmptiedMidRunStillCompletesEachTargetOnce() throws Exception {
        start();
        String runId = startRun();
        awaitProcessed(runId, TARGETS / 4);
        int before = stats(runId).processed();
        try (RedisConnection c = RedisConnection.connect("redis://127.0.0.1:" + redis.port())) {
            assertThat(c.commands().flushall()).isEqualTo("OK");
        }
        assertThat(before).isLessThan(TARGETS);
        assertCompletedOnce(runId);
    }

    @Test
    void withRedisStoppedWritesAnswer503FastAndTheRunResumesWhenItReturns() throws Exception {
        start();
        String runId = startRun();
        awaitProcessed(runId, TARGETS / 4);
        redis.stop();

        long t0 = System.nanoTime();
        HttpResponse<String> refused = postRun();
        long writeMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("ERR_API_503");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        t0 = System.nanoTime();
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + svc.port() + "/readyz")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        long readyMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        System.out.printf("redis down: POST /runs 503 in %d ms, /readyz 503 in %d ms%n", writeMs, readyMs);

        Thread.sleep(1_000); // workers back off meanwhile
        redis.startAgain();
        assertCompletedOnce(runId);
        HttpResponse<String> again = postRun();
        assertThat(again.statusCode()).as("writes work again: " + again.body()).isIn(201, 409);
    }
}
