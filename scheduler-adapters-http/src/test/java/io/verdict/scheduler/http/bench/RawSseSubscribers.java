package io.verdict.scheduler.http.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Bare-socket SSE subscribers for the fan-out benchmark: N real TCP connections (one HTTP/1.1 request each), all
 * read by one selector thread that parses the stream's lines and records when each event's {@code data:} line
 * arrives. One thread and one {@code read} per ready socket keep the clients cheap next to the server in the same
 * JVM; a virtual thread per socket (the previous client) paid a park, a poller registration and an unpark on every
 * read, which roughly doubled the client's share of the CPU.
 */
final class RawSseSubscribers implements AutoCloseable {
    /** One connection's parser state and what it received: the arrival time of event {@code base + 1 + i}. */
    static final class Subscriber {
        final long[] receivedAt;
        private final long base;
        private final byte[] line = new byte[256];
        private int len;
        private long id = -1;
        private boolean headersDone;

        Subscriber(long base, int events) {
            this.base = base;
            this.receivedAt = new long[events];
        }

        /** Nanos when event {@code seq}'s data line was parsed, or 0 when it never arrived. */
        long receivedAt(long seq) {
            long i = seq - base - 1;
            return i >= 0 && i < receivedAt.length ? receivedAt[(int) i] : 0;
        }

        private void parse(ByteBuffer buf, long now, CountDownLatch headers) {
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b != '\n') {
                    if (b != '\r' && len < line.length) line[len++] = b;
                    continue;
                }
                if (len == 0) {
                    if (!headersDone) {
                        headersDone = true;
                        headers.countDown();
                    }
                } else if (len > 4 && line[0] == 'i' && line[1] == 'd' && line[2] == ':') {
                    long v = 0;
                    for (int i = 3; i < len; i++) if (line[i] >= '0' && line[i] <= '9') v = v * 10 + (line[i] - '0');
                    id = v;
                } else if (len > 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && id >= 0) {
                    long i = id - base - 1;
                    if (i >= 0 && i < receivedAt.length && receivedAt[(int) i] == 0) receivedAt[(int) i] = now;
                }
                len = 0;
            }
        }
    }

    final List<Subscriber> subscribers = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Selector selector;
    private final CountDownLatch headers;
    private final Thread reader;
    private volatile boolean closed;

    RawSseSubscribers(int count, int port, String path, String token, long lastEventId, int events) throws IOException {
        selector = Selector.open();
        headers = new CountDownLatch(count);
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nAccept: text/event-stream\r\nLast-Event-ID: " + lastEventId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            ch.socket().setTcpNoDelay(true);
            ByteBuffer req = ByteBuffer.wrap(request);
            while (req.hasRemaining()) ch.write(req);
            ch.configureBlocking(false);
            Subscriber s = new Subscriber(lastEventId, events);
            ch.register(selector, SelectionKey.OP_READ, s);
            subscribers.add(s);
            channels.add(ch);
        }
        reader = Thread.ofPlatform().name("sse-bench-clients").daemon().start(this::read);
    }

    void awaitHeaders() throws InterruptedException {
        headers.await();
    }

    private void read() {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (!closed) {
                if (selector.select() == 0) continue;
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    Subscriber s = (Subscriber) k.attachment();
                    buf.clear();
                    int n;
                    try {
                        n = ((SocketChannel) k.channel()).read(buf);
                    } catch (IOException gone) {
                        n = -1;
                    }
                    if (n < 0) {
                        k.cancel();
                        continue;
                    }
                    buf.flip();
                    s.parse(buf, System.nanoTime(), headers);
                }
            }
        } catch (IOException | RuntimeException closedSelector) {
            // benchmark over
        } finally {
            while (headers.getCount() > 0) headers.countDown();
        }
    }

    /** Stops reading (what was received stays readable) and closes every connection. */
    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        selector.wakeup();
        reader.join(); // after this, receivedAt is safely visible to the caller
        for (SocketChannel ch : channels) ch.close();
        selector.close();
    }
}
