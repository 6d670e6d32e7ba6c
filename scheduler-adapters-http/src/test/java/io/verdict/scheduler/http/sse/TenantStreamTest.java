package io.verdict.scheduler.http.sse;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.ControlPlane;
import io.verdict.scheduler.http.HttpSettings;
import io.verdict.scheduler.http.metrics.MicrometerSchedulerMetrics;
import io.verdict.scheduler.http.security.JwtVerifier;
import io.verdict.scheduler.http.security.VerificationKeys;
import io.verdict.scheduler.http.support.TestKeys;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /console/runs/stream}: a tenant's run changes, live and resumable with {@code Last-Event-ID} — across a
 * restart of the HTTP layer (nothing of a stream lives only in memory: the ID is made of stored sequence numbers),
 * exact (nothing at or before the ID again, nothing after it missed), confined to the caller's tenant.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantStreamTest {
    static TestServer t;
    static String acme;
    static String globex;

    @BeforeAll
    static void start() {
        t = new TestServer(s -> s.withHeartbeat(Duration.ofMillis(200)),
                b -> b.scanner(new SimulatedScanner(3, new SimulatedScanner.Profile(Duration.ofMillis(80), 0, 0, 0, 0.5),
                        Clock.systemUTC())));
        acme = t.token("acme");
        globex = t.token("globex");
        t.indexImages("acme", 30, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.indexImages("globex", 5, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.scheduler.startWorkers(1);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    record Frame(String id, String name, JsonNode data) {
        long seqOf(String runId) {
            for (String part : id.split(",")) if (part.startsWith(runId + "=")) return Long.parseLong(part.substring(runId.length() + 1));
            return -1;
        }
    }

    /** A bare EventSource keeping string ids. */
    static final class Client implements AutoCloseable {
        final int status;
        final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        private final InputStream body;

        Client(URI uri, String token, String lastEventId) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
            HttpResponse<InputStream> r = t.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = r.statusCode();
            body = r.body();
            Thread.ofVirtual().start(this::read);
        }

        private void read() {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line, id = null, name = null, data = null;
                while ((line = br.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (name != null) frames.add(new Frame(id, name, data == null ? null : TestServer.json(data)));
                        id = name = data = null;
                    } else if (line.startsWith("id: ")) id = line.substring(4);
                    else if (line.startsWith("event: ")) name = line.substring(7);
                    else if (line.startsWith("data: ")) data = line.substring(6);
                }
            } catch (IOException ignored) {
                // closed
            }
        }

        Frame next(Predicate<Frame> p, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                Frame f = frames.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (f == null) throw new AssertionError("no matching frame within " + timeout);
                if (p.test(f)) return f;
            }
        }

        List<Frame> changesWithin(Duration d) throws InterruptedException {
            List<Frame> out = new ArrayList<>();
            long end = System.nanoTime() + d.toNanos();
            Frame f;
            while ((f = frames.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
                if (f.name().equals("runChanged")) out.add(f);
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    static Predicate<Frame> changeOf(String runId) {
        return f -> f.name().equals("runChanged") && f.data().get("runId").asText().equals(runId);
    }

    static String startRun(String token) {
        var r = t.post("/api/v1/scheduler/runs", token, "{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"stream test\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    @Test
    @Order(9) // last: it stops the shared server's HTTP layer
    void aRunAppearsAdvancesAndEndsResumingExactlyAcrossARestart() throws Exception {
        String first;
        String runId;
        List<Frame> before = new ArrayList<>();
        try (Client c = new Client(t.uri("/console/runs/stream"), acme, null)) {
            assertThat(c.status).isEqualTo(200);
            Frame ready = c.next(f -> true, Duration.ofSeconds(5));
            assertThat(ready.name()).isEqualTo("ready");
            assertThat(ready.id()).startsWith("1.");
            first = ready.id();
            runId = startRun(acme);
            Frame created = c.next(changeOf(runId), Duration.ofSeconds(10));
            before.add(created);
            assertThat(created.data().get("trigger").asText()).isEqualTo("manual");
            // Wait for some progress, then drop the connection mid-run.
            assertThat(created.data().get("state").asText()).as("30 images at 80 ms each take seconds").isNotEqualTo("completed");
            Frame f = created;
            while (f.data().get("progress").get("processed").asInt() == 0) {
                f = c.next(changeOf(runId), Duration.ofSeconds(20));
                before.add(f);
            }
        }
        Frame lastSeen = before.get(before.size() - 1);
        long seenSeq = lastSeen.seqOf(runId);
        assertThat(seenSeq).isPositive();
        for (int i = 1; i < before.size(); i++) assertThat(before.get(i).seqOf(runId)).isGreaterThan(before.get(i - 1).seqOf(runId));

        // The HTTP layer goes away while the run goes on, and comes back as a new server.
        t.plane.close();
        t.scheduler.awaitTerminal("acme", runId, Duration.ofSeconds(60));
        MicrometerSchedulerMetrics metrics = new MicrometerSchedulerMetrics(Clock.systemUTC());
        JwtVerifier verifier = new JwtVerifier(VerificationKeys.of(t.keys.publicJwks()), TestKeys.ISSUER, TestKeys.AUDIENCE,
                Duration.ofSeconds(5));
        try (ControlPlane again = ControlPlane.start(t.scheduler,
                HttpSettings.DEFAULTS.withPort(0).withHost("127.0.0.1").withHeartbeat(Duration.ofMillis(200)), verifier, metrics)) {
            URI stream = URI.create("http://127.0.0.1:" + again.port() + "/console/runs/stream");
            List<Frame> after;
            try (Client c = new Client(stream, acme, lastSeen.id())) {
                Frame ready = c.next(f -> true, Duration.ofSeconds(5));
                assertThat(ready.name()).isEqualTo("ready");
                assertThat(ready.data().get("resumed").asBoolean()).isTrue();
                assertThat(ready.id()).as("a resumed reader keeps its own position").isNull();
                after = c.changesWithin(Duration.ofSeconds(2));
            }
            // Exactly what happened after the ID: the run's terminal row, nothing already seen.
            assertThat(after).isNotEmpty();
            assertThat(after).allMatch(f -> f.data().get("runId").asText().equals(runId));
            assertThat(after).allMatch(f -> f.seqOf(runId) > seenSeq || f.seqOf(runId) == -1);
            Frame end = after.get(after.size() - 1);
            assertThat(end.data().get("state").asText()).isEqualTo("completed");
            assertThat(end.data().get("progress").get("percent").asDouble()).isEqualTo(100.0);

            // From the final ID: nothing more (only heartbeats).
            try (Client c = new Client(stream, acme, end.id())) {
                assertThat(c.changesWithin(Duration.ofMillis(1500))).isEmpty();
            }
            // From the very first ID (before the run existed): the run once, as it is now — never twice.
            try (Client c = new Client(stream, acme, first)) {
                List<Frame> all = c.changesWithin(Duration.ofMillis(1500));
                assertThat(all).hasSize(1);
                assertThat(all.get(0).data().get("state").asText()).isEqualTo("completed");
            }
        }
    }

    @Test
    @Order(1)
    void anotherTenantSeesNothingOfAcmeEvenWithAcmesId() throws Exception {
        try (Client g = new Client(t.uri("/console/runs/stream"), globex, null)) {
            g.next(f -> f.name().equals("ready"), Duration.ofSeconds(5));
            String runId = startRun(acme);
            t.scheduler.awaitTerminal("acme", runId, Duration.ofSeconds(60));
            assertThat(g.changesWithin(Duration.ofMillis(1200))).isEmpty();
            // An ID naming acme's run, replayed by globex: acme's run stays invisible.
            try (Client g2 = new Client(t.uri("/console/runs/stream"), globex, "1.0," + runId + "=1")) {
                assertThat(g2.status).isEqualTo(200);
                assertThat(g2.changesWithin(Duration.ofMillis(1200))).noneMatch(f -> f.data().get("runId").asText().startsWith("run:acme:"));
            }
        }
    }

    @Test
    @Order(2)
    void badIdsAndAcceptAreRefused() {
        var bad = t.send("GET", "/console/runs/stream", acme, null, java.util.Map.of("Last-Event-ID", "42", "Accept", "text/event-stream"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("Last-Event-ID");
        var json = t.send("GET", "/console/runs/stream", acme, null, java.util.Map.of("Accept", "application/json"));
        assertThat(json.status()).isEqualTo(406);
        var noToken = t.send("GET", "/console/runs/stream", null, null, java.util.Map.of("Accept", "text/event-stream"));
        assertThat(noToken.status()).isEqualTo(401);
        var noScope = t.send("GET", "/console/runs/stream", t.token("acme", "scheduler.schedules.read"), null,
                java.util.Map.of("Accept", "text/event-stream"));
        assertThat(noScope.status()).isEqualTo(403);
    }
}
