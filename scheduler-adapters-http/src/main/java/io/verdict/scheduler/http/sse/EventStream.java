package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventFeed;
import io.verdict.scheduler.events.RunEventRecord;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One client's stream, served on its request (virtual) thread: it sleeps until its run's {@link RunFanOut} (or the
 * heartbeat clock) wakes it, then writes every published frame after the last one it sent, in order, and flushes
 * once. No queue per client: its state is the last sequence number sent and two flags. A frame the ring no longer
 * holds (a client far behind, a gap in a distributed log, a resume with an old Last-Event-ID) is read from the
 * stored log instead, so nothing is missed.
 */
final class EventStream {
    private static final int PAGE = 500;
    private static final byte[] HEARTBEAT_FRAME = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
    /** After the terminal state, wait this long for trailing events (the closing log line) before ending. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final HttpServletResponse res;
    private final RunEventFeed log;
    private final String runId;
    private final FrameCache frames;
    private volatile RunFanOut fanOut;
    private volatile Thread thread;
    private volatile boolean signalled;
    private volatile boolean heartbeatDue;
    private volatile boolean stopped;
    private long lastSent;
    private boolean terminal;
    private boolean wrote;
    private ServletOutputStream out;

    EventStream(HttpServletResponse res, RunEventFeed log, String runId, long after, FrameCache frames) {
        this.res = res;
        this.log = log;
        this.runId = runId;
        this.lastSent = after;
        this.frames = frames;
    }

    /** Any thread, never blocks. */
    void wake() {
        signalled = true;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /** Called by the shared heartbeat clock (one clock for every stream: no timer per client). */
    void heartbeat() {
        heartbeatDue = true;
        wake();
    }

    void stop() {
        stopped = true;
        wake();
    }

    void serve(RunFanOut fanOut) {
        this.fanOut = fanOut;
        this.thread = Thread.currentThread();
        try {
            res.setStatus(200);
            res.setContentType("text/event-stream");
            res.setCharacterEncoding("UTF-8");
            res.setHeader("Cache-Control", "no-cache");
            res.setHeader("X-Accel-Buffering", "no");
            out = res.getOutputStream();
            out.write((": run " + runId + "\nretry: 3000\n\n").getBytes(StandardCharsets.UTF_8));
            wrote = true;
            backfill();
            flush();
            long lingerUntil = terminal ? System.nanoTime() + LINGER_NANOS : Long.MAX_VALUE;
            while (!stopped) {
                signalled = false;
                if (heartbeatDue) {
                    heartbeatDue = false;
                    out.write(HEARTBEAT_FRAME);
                    wrote = true;
                }
                drain();
                flush();
                if (terminal && lingerUntil == Long.MAX_VALUE) lingerUntil = System.nanoTime() + LINGER_NANOS;
                while (!signalled && !stopped) {
                    if (lingerUntil == Long.MAX_VALUE) {
                        LockSupport.park(this);
                    } else {
                        long wait = lingerUntil - System.nanoTime();
                        if (wait <= 0) {
                            backfill(); // the trailing events, then the end
                            flush();
                            return;
                        }
                        LockSupport.parkNanos(this, wait);
                    }
                }
            }
        } catch (IOException | IllegalStateException clientGone) {
            // The client disconnected (or the response was recycled): nothing left to do for it.
        }
    }

    /** Writes what the ring published after the last frame sent; falls back to the stored log on a gap. */
    private void drain() throws IOException {
        long latest = fanOut.latest();
        while (lastSent < latest) {
            RunFanOut.Frame f = fanOut.frame(lastSent + 1);
            if (f == null) {
                backfill();
                return;
            }
            out.write(f.bytes());
            wrote = true;
            lastSent = f.seq();
            if (f.terminal()) terminal = true;
        }
    }

    /** Sends every stored event after the last one sent, in pages. */
    private void backfill() throws IOException {
        while (true) {
            List<RunEventRecord> page = log.after(runId, lastSent, PAGE);
            for (RunEventRecord r : page) if (r.seq() > lastSent) send(r);
            if (page.size() < PAGE) return;
            flush();
        }
    }

    /** Writes one event (unflushed); the frame bytes are shared by every client of the run. */
    private void send(RunEventRecord r) throws IOException {
        out.write(frames.frame(r));
        wrote = true;
        lastSent = r.seq();
        if (r.event() instanceof RunEvent.StateChanged s && s.state().isTerminal()) terminal = true;
    }

    private void flush() throws IOException {
        if (!wrote) return;
        out.flush();
        wrote = false;
    }
}
