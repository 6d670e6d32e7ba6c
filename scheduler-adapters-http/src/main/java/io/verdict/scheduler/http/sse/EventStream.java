package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventFeed;
import io.verdict.scheduler.events.RunEventRecord;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client's stream. It starts on its request thread, which writes the headers and replays the stored events
 * after the client's {@code Last-Event-ID} with ordinary blocking writes; then the response goes asynchronous and
 * non-blocking, and from there on only its run's {@link RunFanOut} writer touches it. Its state is the last
 * sequence number sent and a few flags: no queue of its own (the run's ring holds the frames it has yet to get).
 */
final class EventStream implements WriteListener {
    private static final int PAGE = 500;

    private final HttpServletResponse res;
    private final String runId;
    /** Completed when the stream ends: the request's async cycle then completes (the response ends). */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    ServletOutputStream out;

    // Written by the request thread before {@link #live}, then only by the run's writer.
    long lastSent;
    boolean terminalSent;
    long lingerUntil;
    long heartbeatsSeen;
    boolean closeWhenFlushed;

    /** Set once the response is non-blocking: from then on the writer serves it. */
    volatile boolean live;
    /** The container reported a write failure (the client is gone). */
    volatile boolean failed;
    private volatile RunFanOut fanOut;
    private final AtomicBoolean finished = new AtomicBoolean();

    EventStream(HttpServletResponse res, String runId, long after) {
        this.res = res;
        this.runId = runId;
        this.lastSent = after;
    }

    /** On the request thread: headers, the preamble and every stored event after the client's last one. */
    void open(RunEventFeed log, FrameCache frames) throws IOException {
        out = SseResponse.start(res);
        out.write((": run " + runId + "\nretry: 3000\n\n").getBytes(StandardCharsets.UTF_8));
        while (true) {
            List<RunEventRecord> page = log.after(runId, lastSent, PAGE);
            for (RunEventRecord r : page) {
                if (r.seq() <= lastSent) continue;
                out.write(frames.frame(r));
                lastSent = r.seq();
                if (r.event() instanceof RunEvent.StateChanged s && s.state().isTerminal()) terminalSent = true;
            }
            out.flush();
            if (page.size() < PAGE) return;
        }
    }

    /** After the request went asynchronous (Javalin's future supplier): hand the stream to the run's writer. */
    CompletableFuture<Void> goLive(RunFanOut fan, AsyncContext async) {
        fanOut = fan;
        try {
            // The container's word on the request's end: a failed write or a reset connection ends the stream on
            // the container's own callback, while the request is still valid; a completed one only forgets it.
            async.addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent e) {
                    fan.forget(EventStream.this);
                }

                @Override
                public void onError(AsyncEvent e) {
                    EventStream.this.onError(e.getThrowable());
                }

                @Override
                public void onTimeout(AsyncEvent e) {}

                @Override
                public void onStartAsync(AsyncEvent e) {}
            });
            out.setWriteListener(this);
            live = true;
            fan.wakeWriter();
        } catch (RuntimeException e) {
            fan.end(this, true);
        }
        return done;
    }

    /** True the first time only: a stream ends once, whoever notices first (writer, container, shutdown). */
    boolean finish() {
        return finished.compareAndSet(false, true);
    }

    boolean finished() {
        return finished.get();
    }

    /** The container: a write that could not complete at once has completed; the writer may write again. */
    @Override
    public void onWritePossible() {
        RunFanOut f = fanOut;
        if (f != null) f.wakeWriter();
    }

    /** The container: a write failed (the client is gone). Ends the stream here, on the container's callback. */
    @Override
    public void onError(Throwable t) {
        failed = true;
        RunFanOut f = fanOut;
        if (f != null) f.end(this, true);
    }
}
