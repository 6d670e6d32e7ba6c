package io.verdict.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdict.scheduler.http.support.SseTestClient;
import io.verdict.scheduler.http.support.SseTestClient.Event;
import io.verdict.scheduler.http.support.TestServer;
import io.verdict.scheduler.simulation.SimulatedScanner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run driven from an advisory event to completion while SSE clients watch; reconnects with Last-Event-ID; the
 * polling fallback; content negotiation; heartbeats.
 */
class RunStreamingTest {
    static TestServer t;
    static String token;

    @BeforeAll
    static void start() {
        // 5 ms per image and one worker: a 40-image run takes long enough to disconnect in the middle of it.
        t = new TestServer(s -> s.withHeartbeat(Duration.ofMillis(100)),
                b -> b.scanner(new SimulatedScanner(11, new SimulatedScanner.Profile(Duration.ofMillis(5), 0, 0, 0, 0.5),
                        Clock.systemUTC())));
        token = t.token("acme");
        t.indexImages("acme", 40, "payments", List.of("pkg:npm/lodash@4.17.20", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"));
        t.indexImages("globex", 5, "payments", List.of("pkg:npm/lodash@4.17.20"));
        t.scheduler.startWorkers(1);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static String intake(String eventId, String purl) {
        var r = t.post("/api/v1/scheduler/events/advisory", token,
                "{\"eventId\":\"" + eventId + "\",\"purls\":[\"" + purl + "\"],\"exportId\":\"exp-" + eventId + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("runId").asText();
    }

    private static List<JsonNode> polled(String runId) {
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = t.get("/console/runs/" + runId + "/events?after=" + after + "&limit=7", token).json();
            for (JsonNode e : page.get("events")) all.add(e);
            if (page.get("events").isEmpty()) return all;
            after = page.get("lastEventId").asLong();
        }
    }

    @Test
    void advisoryRunStreamsEveryEventInOrderUntilItCompletes() throws Exception {
        // Fresh images: their first verdicts are all new findings, so deltas are certain.
        t.indexImages("acme", 15, "checkout", List.of("pkg:npm/express@4.0.0"));
        String runId = intake("adv-1", "pkg:npm/express@4.0.0");
        List<Event> got;
        try (SseTestClient sse = SseTestClient.open(t.http, t.uri("/console/runs/" + runId + "/stream"), token, null,
                "text/event-stream")) {
            assertThat(sse.status).isEqualTo(200);
            got = sse.awaitEnd(Duration.ofSeconds(30));
        }
        JsonNode run = t.get("/api/v1/scheduler/runs/" + runId, token).json();
        assertThat(run.get("state").asText()).isEqualTo("completed");

        // ids are the event sequence: 1..N with no gap and no repeat
        for (int i = 0; i < got.size(); i++) assertThat(got.get(i).id()).isEqualTo(i + 1);
        assertThat(got.get(0).name()).isEqualTo("stateChanged");
        assertThat(TestServer.json(got.get(0).data()).get("state").asText()).isEqualTo("queued");
        Event terminal = got.stream().filter(e -> e.name().equals("stateChanged")
                && TestServer.json(e.data()).get("state").asText().equals("completed")).findFirst().orElseThrow();
        assertThat(got.getLast().id()).isGreaterThanOrEqualTo(terminal.id());
        assertThat(got.stream().map(Event::name).distinct()).contains("stateChanged", "segmentProgress", "deltaSummary", "log");
        long deltaEvents = got.stream().filter(e -> e.name().equals("deltaSummary")).count();
        assertThat(deltaEvents).isEqualTo(run.get("stats").get("deltas").asLong()).isPositive();
        JsonNode lastProgress = got.stream().filter(e -> e.name().equals("segmentProgress"))
                .map(e -> TestServer.json(e.data())).reduce((a, b) -> b).orElseThrow();
        assertThat(lastProgress.get("percent").asDouble()).isEqualTo(100.0);

        // the polling fallback returns the same events
        List<JsonNode> polled = polled(runId);
        assertThat(polled).hasSize(got.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(polled.get(i).get("id").asLong()).isEqualTo(got.get(i).id());
            assertThat(polled.get(i).get("event").asText()).isEqualTo(got.get(i).name());
            assertThat(polled.get(i).get("data")).isEqualTo(TestServer.json(got.get(i).data()));
        }

        // a finished run with nothing left to send tells EventSource to stop reconnecting
        try (SseTestClient again = SseTestClient.open(t.http, t.uri("/console/runs/" + runId + "/stream"), token,
                got.getLast().id(), "text/event-stream")) {
            assertThat(again.status).isEqualTo(204);
        }
    }

    @Test
    void reconnectWithLastEventIdReceivesExactlyTheMissedEvents() throws Exception {
        String runId = intake("adv-2", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        long seen;
        try (SseTestClient first = SseTestClient.open(t.http, t.uri("/api/v1/scheduler/runs/" + runId + "/stream"), token,
                null, "text/event-stream")) {
            for (int i = 0; i < 4; i++) first.next(Duration.ofSeconds(10));
            seen = 4;
        } // disconnect mid-run
        JsonNode done;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        do {
            Thread.sleep(50);
            done = t.get("/api/v1/scheduler/runs/" + runId, token).json();
        } while (!done.get("state").asText().equals("completed") && System.nanoTime() < deadline);
        assertThat(done.get("state").asText()).isEqualTo("completed");

        List<Event> resumed;
        try (SseTestClient second = SseTestClient.open(t.http, t.uri("/console/runs/" + runId + "/stream"), token, seen,
                "text/event-stream")) {
            resumed = second.awaitEnd(Duration.ofSeconds(10));
        }
        List<JsonNode> all = polled(runId);
        assertThat(resumed).hasSize(all.size() - (int) seen);
        for (int i = 0; i < resumed.size(); i++) {
            assertThat(resumed.get(i).id()).isEqualTo(seen + 1 + i);
            assertThat(resumed.get(i).name()).isEqualTo(all.get((int) seen + i).get("event").asText());
        }
    }

    @Test
    void manyClientsOnOneRunEachGetTheWholeStream() throws Exception {
        String runId = intake("adv-3", "pkg:npm/lodash@4.17.20");
        List<SseTestClient> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(SseTestClient.open(t.http, t.uri("/console/runs/" + runId + "/stream"), token, null, "text/event-stream"));
        }
        int expected = -1;
        for (SseTestClient c : clients) {
            List<Event> got = c.awaitEnd(Duration.ofSeconds(30));
            if (expected < 0) expected = polled(runId).size();
            assertThat(got).hasSize(expected);
            c.close();
        }
    }

    @Test
    void aClientThatOnlyAcceptsJsonIsToldToPoll() {
        String runId = intake("adv-5", "pkg:npm/lodash@4.17.20");
        var r = t.send("GET", "/console/runs/" + runId + "/stream", token, null, Map.of("Accept", "application/json"));
        assertThat(r.status()).isEqualTo(406);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("detail").asText()).contains("/events?after=");
        var bad = t.send("GET", "/console/runs/" + runId + "/stream", token, null, Map.of("Last-Event-ID", "abc"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").get(0).get("field").asText()).isEqualTo("Last-Event-ID");
    }

    @Test
    void anotherTenantsRunIsNotFoundOnEveryRunEndpoint() {
        String runId = intake("adv-6", "pkg:npm/lodash@4.17.20");
        String globex = t.token("globex");
        for (String path : List.of("/console/runs/" + runId + "/stream", "/api/v1/scheduler/runs/" + runId + "/stream",
                "/console/runs/" + runId + "/events", "/console/runs/" + runId, "/api/v1/scheduler/runs/" + runId)) {
            var r = t.send("GET", path, globex, null, Map.of("Accept", "text/event-stream"));
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain("lodash").doesNotContain("payments");
        }
    }
}
