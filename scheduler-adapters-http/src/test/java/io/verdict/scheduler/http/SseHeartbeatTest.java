package io.verdict.scheduler.http;

import io.verdict.scheduler.http.support.SseTestClient;
import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A queued run (no workers here) streams nothing but heartbeats, until it is cancelled, which ends the stream. */
class SseHeartbeatTest {
    @Test
    void heartbeatsKeepAFixedCadenceAndCancellingEndsTheStream() throws Exception {
        try (TestServer t = new TestServer(s -> s.withHeartbeat(Duration.ofMillis(50)), b -> b)) {
            String token = t.token("acme");
            t.indexImages("acme", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));
            var r = t.post("/api/v1/scheduler/runs", token,
                    "{\"selector\":{\"scope\":\"by-namespace\",\"namespaces\":[\"payments\"]},\"reason\":\"heartbeat test\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            String runId = r.json().get("id").asText();
            try (SseTestClient sse = SseTestClient.open(t.http, t.uri("/console/runs/" + runId + "/stream"), token, null, null)) {
                assertThat(sse.status).as("no Accept header: the stream is served").isEqualTo(200);
                assertThat(sse.next(Duration.ofSeconds(5)).name()).isEqualTo("stateChanged");
                Thread.sleep(400);
                assertThat(sse.comments.stream().filter(c -> c.equals("heartbeat")).count()).isBetween(4L, 10L);
                assertThat(sse.hasEnded()).isFalse();

                var cancel = t.post("/api/v1/scheduler/runs/" + runId + "/cancel", token, null);
                assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
                assertThat(cancel.json().get("state").asText()).isEqualTo("cancelled");
                List<SseTestClient.Event> all = sse.awaitEnd(Duration.ofSeconds(5));
                assertThat(all.stream().filter(e -> e.name().equals("stateChanged")).map(e -> TestServer.json(e.data())
                        .get("state").asText())).as("after the queued event read above").containsExactly("cancelled");
            }
            assertThat(t.plane.streams().openStreams()).isZero();
        }
    }
}
