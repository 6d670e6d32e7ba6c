package io.verdict.scheduler.http;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.http.support.SseTestClient;
import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that stops reading holds up nobody and loses nothing: the others get every event, its own stream is
 * ended once it is too far behind (the server keeps no unbounded backlog for it), and its reconnect with the last
 * {@code Last-Event-ID} it saw gets exactly the rest.
 */
class SseSlowClientTest {
    private static final int EVENTS = 2600; // more than the server keeps for a run's clients (1,024 frames)
    private static final int BATCH = 100;

    @Test
    void aStalledClientIsDisconnectedAndItsReconnectResumesExactlyAfterTheLastEventItGot() throws Exception {
        try (TestServer t = new TestServer()) {
            String token = t.token("acme");
            t.indexImages("acme", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));
            // No workers: the run stays queued and its stream open; every event below is appended by the test.
            String runId = t.post("/api/v1/scheduler/runs", token, "{\"selector\":{\"scope\":\"all-images\"}}")
                    .json().get("id").asText();
            long first = t.get("/console/runs/" + runId + "/events", token).json().get("lastEventId").asLong();
            String path = "/console/runs/" + runId + "/stream";

            try (Socket stalled = new Socket()) {
                stalled.setReceiveBufferSize(4096);
                stalled.setSoTimeout(60_000); // a stream that is never ended fails the test instead of hanging it
                stalled.connect(new InetSocketAddress("127.0.0.1", t.plane.port()));
                stalled.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + token + "\r\nAccept: text/event-stream\r\nLast-Event-ID: " + first
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                try (SseTestClient fast = SseTestClient.open(t.http, t.uri(path), token, first, "text/event-stream")) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (t.plane.streams().openStreams() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
                    String padding = "x".repeat(8192); // fills the stalled client's socket buffers quickly
                    for (int sent = 0; sent < EVENTS; sent += BATCH) {
                        for (int i = sent; i < sent + BATCH; i++) {
                            t.storage.events().append("acme", runId, new RunEvent.Log("info", "event " + i + " " + padding, "test"));
                        }
                        for (int i = sent; i < sent + BATCH; i++) {
                            SseTestClient.Event e = fast.next(Duration.ofSeconds(30));
                            assertThat(e).as("the reading client gets event %d", i).isNotNull();
                            assertThat(e.id()).isEqualTo(first + 1 + i);
                        }
                    }
                    assertThat(fast.hasEnded()).isFalse();
                }

                // Now it reads: what was sent before its stream was ended, then the end of the response.
                List<Long> got = completeEventIds(stalled.getInputStream());
                assertThat(got).as("cut short").hasSizeLessThan(EVENTS);
                for (int i = 0; i < got.size(); i++) assertThat(got.get(i)).isEqualTo(first + 1 + i);
                long last = got.isEmpty() ? first : got.getLast();

                try (SseTestClient again = SseTestClient.open(t.http, t.uri(path), token, last, "text/event-stream")) {
                    for (long id = last + 1; id <= first + EVENTS; id++) {
                        SseTestClient.Event e = again.next(Duration.ofSeconds(30));
                        assertThat(e).isNotNull();
                        assertThat(e.id()).isEqualTo(id);
                    }
                }
            }
        }
    }

    /** Reads the HTTP response to its end and returns the ids of the events that arrived whole. */
    private static List<Long> completeEventIds(InputStream in) throws IOException {
        String head = line(in);
        assertThat(head).startsWith("HTTP/1.1 200");
        boolean chunked = false;
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            if (h.toLowerCase(java.util.Locale.ROOT).replace(" ", "").equals("transfer-encoding:chunked")) chunked = true;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (!chunked) body.write(in.readAllBytes()); // "Connection: close": the body ends with the connection
        while (chunked) {
            String size = line(in);
            if (size == null) break; // connection closed
            int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
            if (n == 0) break;
            body.write(in.readNBytes(n));
            line(in); // CRLF after the chunk
        }
        List<Long> ids = new ArrayList<>();
        long id = -1;
        boolean data = false;
        for (String l : body.toString(StandardCharsets.UTF_8).split("\n", -1)) {
            if (l.startsWith("id: ")) id = Long.parseLong(l.substring(4).trim());
            else if (l.startsWith("data:")) data = true;
            else if (l.isEmpty() && data) {
                ids.add(id); // an event is dispatched at the blank line that ends it
                data = false;
            }
        }
        return ids;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') return b.toString();
            if (c != '\r') b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }
}
