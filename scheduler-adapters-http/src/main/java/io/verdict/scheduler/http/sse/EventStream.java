package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventLog;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.http.json.JsonCodec;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One client's stream: the queue the event log fills and the loop that writes it out in order. */
final class EventStream {
    private static final int QUEUE_CAPACITY = 4096;
    private static final int PAGE = 500;
    /** After the terminal state, wait this long for trailing events (the closing log line) before ending. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final RunEventRecord STOP = new RunEventRecord("", "", Long.MIN_VALUE, null, null);

    private final HttpServletResponse res;
    private final RunEventLog log;
    private final String runId;
    private final JsonCodec json;
    private final long heartbeatNanos;
    private final LinkedBlockingQueue<RunEventRecord> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private volatile boolean overflowed;
    private volatile boolean stopped;
    private long lastSent;
    private boolean terminal;
    private ServletOutputStream out;

    EventStream(HttpServletResponse res, RunEventLog log, String runId, long after, JsonCodec json,
                Duration heartbeat) {
        this.res = res;
        this.log = log;
        this.runId = runId;
        this.lastSent = after;
        this.json = json;
        this.heartbeatNanos = heartbeat.toNanos();
    }

    /** Called on the appending thread: never blocks, never throws. */
    void offer(RunEventRecord r) {
        if (!queue.offer(r)) overflowed = true;
    }

    void stop() {
        stopped = true;
        queue.clear();
        queue.offer(STOP);
    }

    void serve() {
        try {
            res.setStatus(200);
            res.setContentType("text/event-stream");
            res.setCharacterEncoding("UTF-8");
            res.setHeader("Cache-Control", "no-cache");
            res.setHeader("X-Accel-Buffering", "no");
            out = res.getOutputStream();
            write(": run " + runId + "\nretry: 3000\n\n");
            backfill();
            long nextHeartbeat = System.nanoTime() + heartbeatNanos;
            long lingerUntil = terminal ? System.nanoTime() + LINGER_NANOS : Long.MAX_VALUE;
            while (!stopped) {
                long now = System.nanoTime();
                if (now >= lingerUntil) {
                    backfill();
                    break;
                }
                long wait = Math.min(nextHeartbeat, lingerUntil) - now;
                RunEventRecord r = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
                if (r == STOP) break;
                if (r == null) {
                    if (overflowed) backfill();
                } else if (r.seq() > lastSent) {
                    if (r.seq() == lastSent + 1 && !overflowed) send(r); else backfill();
                }
                // The heartbeat keeps its fixed cadence whether or not events flow.
                if (System.nanoTime() >= nextHeartbeat) {
                    write(": heartbeat\n\n");
                    nextHeartbeat += heartbeatNanos;
                }
                if (terminal && lingerUntil == Long.MAX_VALUE) lingerUntil = System.nanoTime() + LINGER_NANOS;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | IllegalStateException clientGone) {
            // The client disconnected (or the response was recycled): nothing left to do for it.
        }
    }

    /** Sends every stored event after the last one sent, in pages. */
    private void backfill() throws IOException {
        overflowed = false;
        while (true) {
            List<RunEventRecord> page = log.after(runId, lastSent, PAGE);
            for (RunEventRecord r : page) if (r.seq() > lastSent) send(r);
            if (page.size() < PAGE) return;
        }
    }

    private void send(RunEventRecord r) throws IOException {
        String frame = "id: " + r.seq() + "\nevent: " + r.event().kind() + "\ndata: "
                + json.writeString(EventJson.data(r)) + "\n\n";
        write(frame);
        lastSent = r.seq();
        if (r.event() instanceof RunEvent.StateChanged s && s.state().isTerminal()) terminal = true;
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
