package io.verdict.scheduler.http.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A bare-socket SSE subscriber for the fan-out benchmark: one blocking read loop per connection on a virtual
 * thread, recording when each event's {@code data:} line arrives. Much lighter than java.net.http, so the figure
 * is about the server's fan-out, not the client library.
 */
final class RawSseSubscriber implements AutoCloseable {
    final ConcurrentHashMap<Long, Long> receivedAt = new ConcurrentHashMap<>();
    private final Socket socket;
    private final CountDownLatch headers = new CountDownLatch(1);

    RawSseSubscriber(int port, String path, String token, long lastEventId) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        OutputStream o = socket.getOutputStream();
        o.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nAccept: text/event-stream\r\nLast-Event-ID: " + lastEventId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        o.flush();
        Thread.ofVirtual().start(this::read);
    }

    void awaitHeaders() throws InterruptedException {
        headers.await();
    }

    /** Scans raw bytes (no per-byte locking, no strings except the id): cheap enough to run 1,000 of. */
    private void read() {
        try (InputStream in = socket.getInputStream()) {
            byte[] buf = new byte[16384];
            byte[] line = new byte[256];
            int len = 0;
            long id = -1;
            int n;
            while ((n = in.read(buf)) > 0) {
                long now = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b != '\n') {
                        if (b != '\r' && len < line.length) line[len++] = b;
                        continue;
                    }
                    if (len == 0) {
                        headers.countDown();
                    } else if (len > 4 && line[0] == 'i' && line[1] == 'd' && line[2] == ':') {
                        id = Long.parseLong(new String(line, 4, len - 4, StandardCharsets.US_ASCII).trim());
                    } else if (len > 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && id >= 0) {
                        receivedAt.put(id, now);
                    }
                    len = 0;
                }
            }
        } catch (IOException closed) {
            // benchmark over
        } finally {
            headers.countDown();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
