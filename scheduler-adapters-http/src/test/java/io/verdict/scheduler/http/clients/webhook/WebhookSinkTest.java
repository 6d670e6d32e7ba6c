package io.verdict.scheduler.http.clients.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.verdict.scheduler.events.outbox.EventFilter;
import io.verdict.scheduler.events.outbox.OutboxDispatcher;
import io.verdict.scheduler.evidence.Dsse;
import io.verdict.scheduler.evidence.Ed25519Keys;
import io.verdict.scheduler.http.security.IntakeSignatures;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.inmemory.InMemoryOutboxStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real webhook receiver (the JDK's HTTP server) that refuses the first deliveries: every event of a run still
 * arrives, exactly once per idempotency key, in order, signed as intake verifies and with CloudEvents headers.
 */
class WebhookSinkTest {
    private static final String API = "/api/v1/scheduler";
    private static final String SECRET = "0123456789abcdef-webhook";
    private static final OutboxDispatcher.Settings FAST = new OutboxDispatcher.Settings(4, Duration.ofMillis(20),
            Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(20), 100);

    record Received(Map<String, String> headers, byte[] body) {}

    private HttpServer receiver;
    private final List<Received> accepted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int refuseWith = 503;
    private TestServer t;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            int status = refusals.getAndDecrement() > 0 ? refuseWith : 204;
            if (status == 204) {
                Map<String, String> h = new HashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
                accepted.add(new Received(h, body));
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (t != null) t.close();
        receiver.stop(0);
    }

    private URI hook() {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    }

    private TestServer server(KeyPair keys, WebhookSettings settings) {
        return new TestServer(s -> s, b -> b.evidenceSigner(Ed25519Keys.signer(keys))
                .outbox(new InMemoryOutboxStore(), List.of(new WebhookSink(settings, Clock.systemUTC())), FAST));
    }

    private String runAndWait(String token) throws Exception {
        t.indexImages("acme", 8, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.scheduler.startWorkers(1);
        String runId = t.post(API + "/runs", token, "{\"selector\":{\"scope\":\"all-images\"},\"reason\":\"hooks\"}")
                .json().get("id").asText();
        t.scheduler.awaitTerminal("acme", runId, Duration.ofSeconds(20));
        return runId;
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void everyEventOfARunArrivesOncePerKeyInOrderSignedWithCloudEventsHeaders() throws Exception {
        KeyPair keys = Ed25519Keys.generate();
        refusals.set(5); // the receiver is down for the first five requests (more than one in-call retry covers)
        t = server(keys, new WebhookSettings("ops", hook(), SECRET, EventFilter.ALL, 2, Duration.ofMillis(10),
                Duration.ofSeconds(5), WebhookSettings.DEFAULT_SOURCE));
        String token = t.token("acme");
        String runId = runAndWait(token);
        // The run's last envelope (report.ready) is stored just after its terminal state: count once it is there.
        await(() -> t.scheduler.dispatcher().outbox().after("acme", 0, 1000).stream()
                .anyMatch(e -> e.envelope().kind().equals("scheduler.report.ready")));
        long expected = t.scheduler.dispatcher().outbox().after("acme", 0, 1000).size();
        await(() -> accepted.size() >= expected && t.scheduler.dispatcher().outbox().counts().pending() == 0);
        Thread.sleep(200); // anything delivered twice would arrive now

        assertThat(requests.get()).as("refused requests were retried").isGreaterThan(accepted.size());
        IntakeSignatures verifier = new IntakeSignatures(Map.of("acme", SECRET), Duration.ofMinutes(5), Clock.systemUTC());
        Map<String, Integer> perKey = new HashMap<>();
        List<String> kinds = new ArrayList<>();
        for (Received r : List.copyOf(accepted)) {
            JsonNode env = TestServer.json(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(verifier.check(r.headers().get("x-tenant"),
                    r.headers().get("x-scheduler-timestamp"), r.headers().get("x-scheduler-signature"), r.body()))
                    .as("signature as intake verifies it").isEmpty();
            assertThat(r.headers()).containsEntry("ce-specversion", "1.0")
                    .containsEntry("ce-id", env.get("eventId").asText())
                    .containsEntry("ce-type", env.get("kind").asText())
                    .containsEntry("ce-source", WebhookSettings.DEFAULT_SOURCE)
                    .containsEntry("ce-subject", env.get("payload").get("runId").asText())
                    .containsEntry("ce-time", env.get("occurredAt").asText())
                    .containsEntry("idempotency-key", env.get("idempotencyKey").asText())
                    .containsEntry("content-type", "application/json");
            perKey.merge(env.get("idempotencyKey").asText(), 1, Integer::sum);
            if (env.get("payload").get("runId").asText().equals(runId)) kinds.add(env.get("kind").asText());
        }
        assertThat(perKey).hasSize((int) expected);
        assertThat(perKey.values()).as("exactly once per idempotency key").allMatch(n -> n == 1);
        assertThat(kinds.get(0)).isEqualTo("scheduler.run.started");
        assertThat(kinds.subList(kinds.size() - 2, kinds.size())).containsExactly("scheduler.run.completed", "scheduler.report.ready");
        assertThat(kinds.subList(1, kinds.size() - 2)).isNotEmpty().allMatch("scheduler.rescan.delta"::equals);

        // The completion event's DSSE signature verifies with the evidence key, also after the webhook hop.
        Received done = accepted.stream().filter(r -> "scheduler.run.completed".equals(r.headers().get("ce-type"))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> envelope = (Map<String, Object>) io.verdict.scheduler.canonical.JsonReader.parse(
                new String(done.body(), java.nio.charset.StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> dsse = (Map<String, Object>) ((Map<String, Object>) envelope.get("payload")).get("dsse");
        assertThat(Dsse.verify(dsse, keys.getPublic())).isTrue();
        // ... and with the key a receiver fetches without a token from the documented endpoint.
        JsonNode published = t.get(API + "/events/signing-key", null).json();
        assertThat(Dsse.verify(dsse, Ed25519Keys.decodePublic(published.get("publicKey").asText()))).isTrue();
        assertThat(published.get("keyId").asText()).isEqualTo(
                ((Map<?, ?>) ((List<?>) dsse.get("signatures")).get(0)).get("keyid"));
        assertThat(published.get("publicKeyPem").asText()).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(published.get("available").asBoolean()).isTrue();

        // The pull feed shows the same envelopes, tenant-confined, paged by cursor.
        JsonNode page = t.get(API + "/events?after=0&limit=2", token).json();
        assertThat(page.get("items")).hasSize(2);
        long next = page.get("nextAfter").asLong();
        JsonNode rest = t.get(API + "/events?after=" + next + "&limit=500", token).json();
        assertThat(rest.get("items").size() + 2).isEqualTo((int) expected);
        assertThat(rest.get("items").get(0).get("id").asLong()).isGreaterThan(next);
        assertThat(rest.get("items").get(0).get("status").asText()).isEqualTo("delivered");
        assertThat(t.get(API + "/events", t.token("globex")).json().get("items")).isEmpty();
        assertThat(t.get(API + "/events?after=-1", token).status()).isEqualTo(400);
    }

    @Test
    void filteredKindsOnlyAndARefusingReceiverEndsInTheDeadLetterListWhichReplays() throws Exception {
        refuseWith = 400;
        refusals.set(Integer.MAX_VALUE);
        t = server(Ed25519Keys.generate(), new WebhookSettings("ops", hook(), SECRET,
                new EventFilter(Set.of("scheduler.run.completed"), Set.of(), null, false), 1, Duration.ofMillis(10),
                Duration.ofSeconds(5), null));
        String token = t.token("acme");
        runAndWait(token);
        await(() -> t.scheduler.dispatcher().outbox().counts().dead() == 1 && t.scheduler.dispatcher().outbox().counts().pending() == 0);
        assertThat(requests.get()).as("refused (400): one request per dispatcher attempt, no in-call retry")
                .isEqualTo(FAST.maxAttempts());

        String manage = t.token("acme", "scheduler.runs.manage");
        JsonNode dead = t.get(API + "/events/dead", manage).json().get("items");
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).get("envelope").get("kind").asText()).isEqualTo("scheduler.run.completed");
        assertThat(dead.get(0).get("attempts").asInt()).isEqualTo(FAST.maxAttempts());
        assertThat(dead.get(0).get("lastError").asText()).contains("HTTP 400").doesNotContain(SECRET);
        long id = dead.get(0).get("id").asLong();

        assertThat(t.get(API + "/events/dead", t.token("acme", "scheduler.runs.read")).status()).isEqualTo(403);
        assertThat(t.post(API + "/events/dead/" + id + "/replay", t.token("globex", "scheduler.runs.manage"), "").status()).isEqualTo(404);
        assertThat(t.post(API + "/events/dead/abc/replay", manage, "").status()).isEqualTo(400);

        refusals.set(0);
        var replay = t.post(API + "/events/dead/" + id + "/replay", manage, "");
        assertThat(replay.status()).isEqualTo(200);
        await(() -> accepted.size() == 1);
        assertThat(accepted.get(0).headers().get("ce-type")).isEqualTo("scheduler.run.completed");
        assertThat(t.get(API + "/events/dead", manage).json().get("items")).isEmpty();
        assertThat(t.post(API + "/events/dead/" + id + "/replay", manage, "").status()).isEqualTo(404);
        assertThat(t.metrics.scrape()).contains("scheduler_events_delivery_total{result=\"dead\"} 1.0");
    }
}
