package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventFeed;
import io.verdict.scheduler.events.RunEventRecord;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One client's stream: the queue the event log fills and the loop that writes it out in order. */
final class EventStream {
    private static final int QUEUE_CAPACITY = 4096;
    private static final int PAGE = 500;
    private static final byte[] HEARTBEAT_FRAME = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
    /** After the terminal state, wait this long for trailing events (the closing log line) before ending. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final RunEventRecord STOP = new RunEventRecord("", "", Long.MIN_VALUE, null, null);
    private static final RunEventRecord HEARTBEAT = new RunEventRecord("", "", Long.MIN_VALUE + 1, null, null);

    private final HttpServletResponse res;
    private final RunEventFeed log;
    private final String runId;
    private final FrameCache frames;
    private final LinkedBlockingQueue<RunEventRecord> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private volatile boolean overflowed;
    private volatile boolean stopped;
    private long lastSent;
    private boolean terminal;
    private ServletOutputStream out;

    EventStream(HttpServletResponse res, RunEventFeed log, String runId, long after, FrameCache frames) {
        this.res = res;
        this.log = log;
        this.runId = runId;
        this.lastSent = after;
        this.frames = frames;
    }

    /** Called on the appending thread: never blocks, never throws. */
    void offer(RunEventRecord r) {
        if (!queue.offer(r)) overflowed = true;
    }

    /**
     * Called by the shared heartbeat clock. Untimed waits plus one clock for all streams avoid arming and
     * cancelling a timer on every wake-up of every stream, which dominated the cost at a thousand clients.
     */
    void heartbeat() {
        queue.offer(HEARTBEAT);
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
            long lingerUntil = terminal ? System.nanoTime() + LINGER_NANOS : Long.MAX_VALUE;
            while (!stopped) {
                RunEventRecord r;
                if (lingerUntil == Long.MAX_VALUE) {
                    r = queue.take();
                } else {
                    long wait = lingerUntil - System.nanoTime();
                    r = wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
                    if (r == null) {
                        backfill();
                        break;
                    }
                }
                // Drain what is already queued and flush once: one write per burst, not per event.
                boolean stop = false;
                do {
                    if (r == STOP) {
                        stop = true;
                        break;
                    }
                    if (r == HEARTBEAT) {
                        if (overflowed) backfill();
                        out.write(HEARTBEAT_FRAME);
                    } else if (r.seq() > lastSent) {
                        if (r.seq() == lastSent + 1 && !overflowed) send(r); else backfill();
                    }
                } while ((r = queue.poll()) != null);
                out.flush();
                if (stop) break;
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
            out.flush();
            if (page.size() < PAGE) return;
        }
    }

    /** Writes one event (unflushed); the frame bytes are shared by every client of the run. */
    private void send(RunEventRecord r) throws IOException {
        out.write(frames.frame(r));
        lastSent = r.seq();
        if (r.event() instanceof RunEvent.StateChanged s && s.state().isTerminal()) terminal = true;
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
