package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventFeed;
import io.verdict.scheduler.events.RunEventRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The live side of one run's streams: one event-log listener and one writer (a virtual thread) per run, however
 * many clients watch it.
 *
 * <p>The listener encodes each event's frame once and publishes it in a ring of {@link #RING} frames indexed by
 * sequence number. The writer then walks the run's clients: for each one it writes, in one non-blocking write,
 * everything published after the last frame that client got (the bytes of such a batch are built once per wake-up
 * and shared by every client at the same position). A client whose previous write has not drained yet is skipped
 * (the container calls back when it can take more, and the writer comes back to it): a slow client never holds up
 * the others. Its backlog is only a position in the shared ring; once the ring no longer holds the frames it still
 * needs, its stream is ended, and the client's reconnect with {@code Last-Event-ID} replays them from the stored
 * log — nothing is dropped silently, and memory does not grow with a stalled reader.
 *
 * <p>Before this, every client had its own request thread waking on every event and writing and flushing on its own:
 * at 1,000 clients × 100 events/s that was 100,000 thread wake-ups a second on top of the writes. Wake-ups of the
 * writer are paced: the first event after a quiet spell wakes it at once; events within {@code coalesceNanos} of the
 * last wake-up are picked up by one wake-up at the end of that gap, so a client gets a few events per write.
 */
final class RunFanOut {
    static final int RING = 1024;
    private static final int PAGE = 500;
    private static final byte[] HEARTBEAT_FRAME = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
    /** After the terminal state, wait this long for trailing events (the closing log line) before ending. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    /** A published frame: its sequence number, its bytes, and whether it ends the run. */
    record Frame(long seq, byte[] bytes, boolean terminal) {}

    /** What one client at a given position gets in one write: the bytes, the last sequence in them, the end. */
    private record Batch(byte[] bytes, long upTo, boolean terminal) {}

    final String runId;
    private final FrameCache frames;
    private final RunEventFeed log;
    private final ScheduledExecutorService timer;
    private final long coalesceNanos;
    private final BiConsumer<RunFanOut, EventStream> ended;
    private final AtomicInteger completing;
    private final AtomicReferenceArray<Frame> ring = new AtomicReferenceArray<>(RING);
    private final CopyOnWriteArrayList<EventStream> clients = new CopyOnWriteArrayList<>();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private final Thread writer;
    private volatile long latest;
    private volatile long lastWake = System.nanoTime() - Long.MAX_VALUE / 4;
    private volatile long heartbeats;
    private volatile boolean signalled;
    private volatile boolean stopped;
    private volatile boolean closed;
    AutoCloseable subscription;

    // The writer's own, per wake-up.
    private final Map<Long, Batch> batches = new HashMap<>();
    private long filledAfter;

    RunFanOut(String runId, FrameCache frames, RunEventFeed log, ScheduledExecutorService timer, long coalesceNanos,
              BiConsumer<RunFanOut, EventStream> ended, AtomicInteger completing) {
        this.runId = runId;
        this.frames = frames;
        this.log = log;
        this.timer = timer;
        this.coalesceNanos = coalesceNanos;
        this.ended = ended;
        this.completing = completing;
        this.writer = Thread.ofVirtual().name("sse-run-" + runId).start(this::write);
    }

    /** The event log's listener (on the appending thread): never blocks, never throws. */
    void publish(RunEventRecord r) {
        try {
            if (r.seq() <= latest) return; // a copy of something already published
            put(r);
            long now = System.nanoTime();
            long since = now - lastWake;
            if (since >= coalesceNanos) {
                lastWake = now;
                wakeWriter();
            } else if (wakeScheduled.compareAndSet(false, true)) {
                timer.schedule(() -> {
                    wakeScheduled.set(false);
                    lastWake = System.nanoTime();
                    wakeWriter();
                }, coalesceNanos - since, TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException e) {
            // A rejected timer task (shutdown) must not reach the worker that appended the event.
        }
    }

    /** Puts a record's frame in the ring (unless the slot already holds a later one); raises {@link #latest}. */
    private synchronized void put(RunEventRecord r) {
        int slot = (int) (r.seq() % RING);
        Frame there = ring.get(slot);
        if (there != null && there.seq() >= r.seq()) return;
        boolean terminal = r.event() instanceof RunEvent.StateChanged s && s.state().isTerminal();
        ring.set(slot, new Frame(r.seq(), frames.frame(r), terminal));
        if (r.seq() > latest) latest = r.seq(); // after the slot: a reader that sees it finds the frame
    }

    long latest() {
        return latest;
    }

    /** The frame with that sequence number, or null when the ring no longer (or never) held it. */
    Frame frame(long seq) {
        Frame f = ring.get((int) (seq % RING));
        return f != null && f.seq() == seq ? f : null;
    }

    /** A new client, not live yet: the writer leaves it alone until {@link EventStream#goLive}. */
    void add(EventStream s) {
        clients.add(s);
    }

    /** True when the last client left; the writer then ends. */
    boolean remove(EventStream s) {
        clients.remove(s);
        if (!clients.isEmpty()) return false;
        closed = true;
        wakeWriter();
        return true;
    }

    /** The shared heartbeat clock: every client gets a heartbeat with its next write. */
    void heartbeat() {
        heartbeats++; // only the clock thread writes it
        wakeWriter();
    }

    /** Server shutdown: the writer ends every stream. */
    void stop() {
        stopped = true;
        wakeWriter();
    }

    /** Any thread, never blocks. */
    void wakeWriter() {
        signalled = true;
        LockSupport.unpark(writer);
    }

    private void write() {
        while (!closed) {
            signalled = false;
            long deadline;
            try {
                deadline = pass();
            } catch (RuntimeException e) {
                deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100); // a store hiccup: try again
            }
            while (!signalled && !closed) {
                if (deadline == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0) break;
                    LockSupport.parkNanos(this, wait);
                }
            }
        }
    }

    /** One wake-up: serves every live client that has something due. Returns the next linger deadline. */
    private long pass() {
        long top = latest;
        long beat = heartbeats;
        long now = System.nanoTime();
        boolean stopping = stopped;
        batches.clear();
        filledAfter = Long.MAX_VALUE;
        long next = Long.MAX_VALUE;
        for (EventStream s : clients) {
            if (!s.live || s.failed || s.finished()) continue;
            try {
                if (stopping) {
                    end(s);
                    continue;
                }
                if (s.closeWhenFlushed) {
                    if (s.out.isReady()) end(s);
                    continue;
                }
                if (s.terminalSent && s.lingerUntil == 0) s.lingerUntil = now + LINGER_NANOS;
                boolean lingerOver = s.lingerUntil != 0 && now - s.lingerUntil >= 0;
                boolean beatDue = s.heartbeatsSeen != beat;
                if (s.lastSent >= top && !beatDue && !lingerOver) {
                    if (s.lingerUntil != 0) next = Math.min(next, s.lingerUntil);
                    continue;
                }
                if (top - s.lastSent > RING) {
                    end(s); // the ring no longer holds what it needs: its reconnect replays it from the log
                    continue;
                }
                if (!s.out.isReady()) continue; // still draining; the container's callback wakes the writer
                if (lingerOver) {
                    fill(s.lastSent); // the trailing events (the closing log line), straight from the log
                    top = Math.max(top, latest);
                }
                Batch b = batch(s.lastSent, top, beatDue);
                s.heartbeatsSeen = beat;
                if (b.bytes().length > 0) {
                    s.out.write(b.bytes());
                    if (s.out.isReady()) s.out.flush();
                    s.lastSent = b.upTo();
                    if (b.terminal()) s.terminalSent = true;
                }
                if (lingerOver) {
                    s.closeWhenFlushed = true;
                    if (s.out.isReady()) end(s);
                } else if (s.terminalSent) {
                    if (s.lingerUntil == 0) s.lingerUntil = now + LINGER_NANOS;
                    next = Math.min(next, s.lingerUntil);
                }
            } catch (IOException | RuntimeException clientGone) {
                // The container reports it too (onError, then onComplete), on a thread where the request is valid.
                s.failed = true;
            }
        }
        return next;
    }

    /** Frames after {@code after} up to {@code top} (plus a heartbeat), built once per position per wake-up. */
    private Batch batch(long after, long top, boolean beat) {
        long key = after * 2 + (beat ? 1 : 0);
        Batch b = batches.get(key);
        if (b != null) return b;
        int size = beat ? HEARTBEAT_FRAME.length : 0;
        Frame[] picked = new Frame[(int) Math.max(0, top - after)];
        int n = 0;
        for (long seq = after + 1; seq <= top; seq++) {
            Frame f = frame(seq);
            if (f == null) {
                fill(after); // a gap (a late or lost live event): the stored log has it
                f = frame(seq);
            }
            if (f == null) continue; // not stored either: skipped, as a replay from the log would
            picked[n++] = f;
            size += f.bytes().length;
        }
        byte[] bytes = new byte[size];
        int at = 0;
        if (beat) {
            System.arraycopy(HEARTBEAT_FRAME, 0, bytes, 0, HEARTBEAT_FRAME.length);
            at = HEARTBEAT_FRAME.length;
        }
        boolean terminal = false;
        long upTo = after;
        for (int i = 0; i < n; i++) {
            Frame f = picked[i];
            System.arraycopy(f.bytes(), 0, bytes, at, f.bytes().length);
            at += f.bytes().length;
            upTo = f.seq();
            terminal |= f.terminal();
        }
        b = new Batch(bytes, upTo, terminal);
        batches.put(key, b);
        return b;
    }

    /** Reads the stored log after {@code after} into the ring, at most once per wake-up from a given point. */
    private void fill(long after) {
        if (after >= filledAfter) return;
        filledAfter = after;
        batches.clear(); // built before the ring gained these frames
        long from = after;
        while (true) {
            List<RunEventRecord> page = log.after(runId, from, PAGE);
            for (RunEventRecord r : page) {
                put(r);
                from = Math.max(from, r.seq());
            }
            if (page.size() < PAGE || from - after >= RING) return;
        }
    }

    private void end(EventStream s) {
        end(s, false);
    }

    /**
     * Ends a stream: it leaves the run and its response completes. {@code inline} completes it on the calling
     * thread (a container callback); otherwise on a fresh virtual thread, as completing runs the request's
     * after-handlers, which the writer must not wait for.
     */
    void end(EventStream s, boolean inline) {
        if (!s.finish()) return;
        ended.accept(this, s);
        completing.incrementAndGet(); // shutdown waits for it: the server must not recycle the request meanwhile
        Runnable complete = () -> {
            try {
                s.done.complete(null);
            } finally {
                completing.decrementAndGet();
            }
        };
        if (inline) complete.run();
        else Thread.ofVirtual().start(complete);
    }

    /** The request completed without us (the container ended it): only leave the run. */
    void forget(EventStream s) {
        if (s.finish()) ended.accept(this, s);
    }
}
