package io.verdict.scheduler.http.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A minimal EventSource: reads frames on a background thread, exposes events, comments and the end of stream. */
public final class SseTestClient implements AutoCloseable {
    public record Event(long id, String name, String data, long receivedNanos) {}

    public final int status;
    public final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    public final List<String> comments = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final InputStream body;
    private final Thread reader;

    private SseTestClient(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        this.body = response.body();
        this.reader = Thread.ofVirtual().start(this::read);
    }

    public static SseTestClient open(HttpClient http, URI uri, String token, Long lastEventId, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token);
        if (accept != null) b.header("Accept", accept);
        if (lastEventId != null) b.header("Last-Event-ID", Long.toString(lastEventId));
        try {
            return new SseTestClient(http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        try (BufferedReader br = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            long id = -1;
            String name = null;
            StringBuilder data = new StringBuilder();
            while ((line = br.readLine()) != null) {
                if (line.isEmpty()) {
                    if (name != null || !data.isEmpty()) {
                        events.add(new Event(id, name == null ? "message" : name, data.toString(), System.nanoTime()));
                    }
                    id = -1;
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).trim());
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    if (!data.isEmpty()) data.append('\n');
                    data.append(line.substring(6));
                }
            }
        } catch (IOException ignored) {
            // closed by us or by the server
        } finally {
            ended.countDown();
        }
    }

    /** Waits for the next event. */
    public Event next(Duration timeout) throws InterruptedException {
        Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) throw new AssertionError("no event within " + timeout);
        return e;
    }

    /** Waits until the server ends the stream; returns every event received. */
    public List<Event> awaitEnd(Duration timeout) throws InterruptedException {
        if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("stream did not end within " + timeout);
        return new ArrayList<>(events);
    }

    public boolean hasEnded() {
        return ended.getCount() == 0;
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // already closed
        }
        reader.interrupt();
    }

    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }
}
