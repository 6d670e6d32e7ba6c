package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.http.json.JsonCodec;
import io.verdict.scheduler.usecases.TenantRunChanges;
import io.verdict.scheduler.usecases.TenantRunChanges.Change;
import io.verdict.scheduler.usecases.TenantRunChanges.Changes;
import io.verdict.scheduler.usecases.TenantRunChanges.Cursor;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One subscriber of a tenant stream: its cursor and a three-slot signal queue (change, heartbeat, stop), so its
 * memory does not grow with the tenant's activity. Served on the request's (virtual) thread.
 */
final class TenantStream {
    private static final Object CHANGE = new Object();
    private static final Object HEARTBEAT = new Object();
    private static final Object STOP = new Object();

    private final HttpServletResponse res;
    private final TenantRunChanges feed;
    private final String tenant;
    private final JsonCodec json;
    private final Function<Change, Object> row;
    private final Duration heartbeat;
    private final boolean resumed;
    private final ArrayBlockingQueue<Object> signals = new ArrayBlockingQueue<>(3);
    private final AtomicBoolean changePending = new AtomicBoolean();
    private final AtomicBoolean heartbeatPending = new AtomicBoolean();
    private volatile boolean stopped;
    private Cursor cursor;
    private ServletOutputStream out;

    TenantStream(HttpServletResponse res, TenantRunChanges feed, String tenant, Cursor resume, JsonCodec json,
                 Function<Change, Object> row, Duration heartbeat) {
        this.res = res;
        this.feed = feed;
        this.tenant = tenant;
        this.cursor = resume;
        this.resumed = resume != null;
        this.json = json;
        this.row = row;
        this.heartbeat = heartbeat;
    }

    /** Any thread, never blocks: at most one pending change signal. */
    void wake() {
        if (changePending.compareAndSet(false, true)) signals.offer(CHANGE);
    }

    void heartbeat() {
        if (heartbeatPending.compareAndSet(false, true)) signals.offer(HEARTBEAT);
    }

    void stop() {
        stopped = true;
        signals.clear();
        signals.offer(STOP);
    }

    void serve() {
        try {
            out = SseResponse.start(res);
            if (cursor == null) cursor = feed.now(tenant);
            StringBuilder hello = new StringBuilder(": runs of tenant ").append(tenant).append("\nretry: 3000\n");
            // A fresh reader gets the present as its position; a resumed one keeps its own until a change moves it.
            if (!resumed) hello.append("id: ").append(cursor.encode()).append('\n');
            hello.append("event: ready\ndata: ").append(json.writeString(Map.of("tenantId", tenant, "resumed", resumed,
                    "heartbeatSeconds", heartbeat.toMillis() / 1000.0))).append("\n\n");
            write(hello.toString());
            out.flush();
            if (resumed && !send()) return;
            while (!stopped) {
                Object s = signals.take();
                if (s == STOP) break;
                if (s == HEARTBEAT) {
                    heartbeatPending.set(false);
                    write("event: heartbeat\ndata: {\"at\":\"" + Instant.now() + "\"}\n\n");
                    out.flush();
                    continue;
                }
                // Let a burst (a worker's batch, several runs at once) settle, then read it in one go.
                Thread.sleep(TenantStreams.COALESCE_MS);
                changePending.set(false);
                if (!send()) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | IllegalStateException clientGone) {
            // The client disconnected (or the response was recycled): nothing left to do for it.
        }
    }

    /** Reads and writes the changes after the cursor; false when the stream must end (reset). */
    private boolean send() throws IOException {
        Changes changes = feed.after(tenant, cursor);
        if (changes.reset()) {
            // More runs than a cursor can follow: the reader reloads the list and polls.
            write("event: reset\ndata: {\"reason\":\"too many active runs to follow; reload the list\"}\n\n");
            out.flush();
            return false;
        }
        for (Change c : changes.changes()) {
            write("id: " + c.cursor().encode() + "\nevent: runChanged\ndata: " + json.writeString(row.apply(c)) + "\n\n");
        }
        cursor = changes.cursor();
        out.flush();
        return true;
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
