package io.verdict.scheduler.app.cluster;

import com.sun.net.httpserver.HttpServer;
import io.verdict.scheduler.app.Main;
import io.verdict.scheduler.app.demo.DemoEstate;
import io.verdict.scheduler.canonical.JsonReader;
import io.verdict.scheduler.http.security.IntakeSignatures;
import io.verdict.scheduler.jdbc.JdbcDatabase;
import io.verdict.scheduler.jdbc.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of {@code serve} after a run ended but before its events were delivered (the receiver is down): after a
 * restart on the same data directory every event of the run reaches the receiver, once per idempotency key, signed.
 */
class OutboxKillTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^ /]+:(\\d+)");
    private static final String SECRET = "kill-test-secret-0123456789";

    @TempDir
    Path dir;
    private HttpServer receiver;
    private volatile boolean receiverUp;
    private final List<Map<String, Object>> accepted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refusedKinds = Collections.synchronizedList(new ArrayList<>());
    private final List<String> badSignatures = Collections.synchronizedList(new ArrayList<>());
    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (NodeProcess n : nodes) n.close();
        if (receiver != null) receiver.stop(0);
    }

    @SuppressWarnings("unchecked")
    private void startReceiver() throws Exception {
        IntakeSignatures verifier = new IntakeSignatures(Map.of("demo", SECRET), Duration.ofMinutes(5), Clock.systemUTC());
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, Object> env = (Map<String, Object>) JsonReader.parse(new String(body, StandardCharsets.UTF_8));
            int status;
            if (!receiverUp) {
                refusedKinds.add((String) env.get("kind"));
                status = 503;
            } else {
                verifier.check(ex.getRequestHeaders().getFirst("X-Tenant"), ex.getRequestHeaders().getFirst("X-Scheduler-Timestamp"),
                        ex.getRequestHeaders().getFirst("X-Scheduler-Signature"), body).ifPresent(badSignatures::add);
                accepted.add(env);
                status = 204;
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_DATA_DIR", dir.resolve("data").toString());
        env.put("SCHEDULER_HTTP_PORT", "0");
        env.put("SCHEDULER_WORKERS", "2");
        env.put("SCHEDULER_SEED", "11");
        env.put("SCHEDULER_SIM_LATENCY_MS", "1");
        env.put("SCHEDULER_SEGMENT_SIZE", "10");
        env.put("SCHEDULER_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        env.put("SCHEDULER_WEBHOOK_SECRET", SECRET);
        env.put("SCHEDULER_EVENTS_RETRY_INITIAL_MS", "100");
        env.put("SCHEDULER_EVENTS_RETRY_MAX_SECONDS", "1");
        env.put("SCHEDULER_EVENTS_MAX_ATTEMPTS", "1000");
        return env;
    }

    private static void await(java.util.function.BooleanSupplier done, Duration timeout, java.util.function.Supplier<String> why)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(why).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void eventsPendingAtAKill9AreDeliveredOnceAfterTheRestart() throws Exception {
        startReceiver();
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data);
        try (JdbcDatabase db = JdbcDatabase.sqlite(data.resolve("scheduler.db"));
             JdbcStorage store = new JdbcStorage(db, Clock.systemUTC())) {
            new DemoEstate(5).images(120).stream().filter(i -> i.tenantId().equals("demo")).forEach(store.storage().images()::save);
        }

        NodeProcess first = NodeProcess.start("serve-1", dir, env(), "serve");
        nodes.add(first);
        int port = Integer.parseInt(first.await(LISTENING, Duration.ofSeconds(60)));
        ByteArrayOutputStream token = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"token", "--tenant", "demo", "--data-dir", data.toString()},
                new PrintStream(token, true, StandardCharsets.UTF_8), System.err)).isZero();
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/scheduler/runs"))
                .header("Authorization", "Bearer " + token.toString(StandardCharsets.UTF_8).trim())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"kill test\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201, 202);
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"(run:[^\"]+)\"").matcher(created.body());
        assertThat(m.find()).as(created.body()).isTrue();
        String runId = m.group(1);

        // The run ends while the receiver refuses everything: the completion is stored, its delivery has not happened
        // (it waits behind the run's refused first event). Now kill -9.
        String bearer = "Bearer " + token.toString(StandardCharsets.UTF_8).trim();
        await(() -> {
            try {
                String run = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/scheduler/runs/" + runId)).header("Authorization", bearer).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return run.contains("\"state\":\"completed\"");
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(90), first::output);
        assertThat(refusedKinds).as("deliveries were attempted and refused").isNotEmpty();
        first.kill9();
        assertThat(accepted).isEmpty();

        receiverUp = true;
        NodeProcess second = NodeProcess.start("serve-2", dir, env(), "serve");
        nodes.add(second);
        second.await(LISTENING, Duration.ofSeconds(60));
        await(() -> accepted.stream().anyMatch(e -> "scheduler.report.ready".equals(e.get("kind"))), Duration.ofSeconds(60),
                second::output);
        Thread.sleep(1500); // a duplicate would arrive now

        List<Map<String, Object>> ofRun = accepted.stream()
                .filter(e -> runId.equals(((Map<?, ?>) e.get("payload")).get("runId"))).toList();
        List<String> kinds = ofRun.stream().map(e -> (String) e.get("kind")).toList();
        assertThat(kinds.get(0)).isEqualTo("scheduler.run.started");
        assertThat(kinds.subList(kinds.size() - 2, kinds.size())).containsExactly("scheduler.run.completed", "scheduler.report.ready");
        assertThat(kinds.subList(1, kinds.size() - 2)).allMatch("scheduler.rescan.delta"::equals);
        Map<String, Integer> perKey = new HashMap<>();
        for (Map<String, Object> e : List.copyOf(accepted)) perKey.merge((String) e.get("idempotencyKey"), 1, Integer::sum);
        assertThat(perKey.values()).as("exactly once per idempotency key").allMatch(n -> n == 1);
        assertThat(badSignatures).isEmpty();
    }
}
