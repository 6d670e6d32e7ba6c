package io.verdict.scheduler.http.sse;

import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The live side of one run's streams: a single event-log listener per run (not one per client) that encodes each
 * event's frame once, publishes it in a lock-free ring, and wakes the run's clients.
 *
 * <p>Waking a thousand clients costs a thousand unparks and, on their side, a thousand writes and flushes. So the
 * wake-ups of a run are paced: the first event after a quiet spell wakes everyone at once; events that follow
 * within {@code coalesceNanos} of the last wake-up are picked up by one wake-up scheduled at the end of that gap
 * (one timer per run, never per client). At tens of events per second nothing waits; at a hundred per second each
 * client writes two or three events per flush instead of one, which halves the work on both ends of every socket.
 */
final class RunFanOut {
    static final int RING = 1024;

    /** A published frame: its sequence number, its bytes, and whether it ends the run. */
    record Frame(long seq, byte[] bytes, boolean terminal) {}

    final String runId;
    private final FrameCache frames;
    private final ScheduledExecutorService timer;
    private final long coalesceNanos;
    private final AtomicReferenceArray<Frame> ring = new AtomicReferenceArray<>(RING);
    private final CopyOnWriteArrayList<EventStream> clients = new CopyOnWriteArrayList<>();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private volatile long latest;
    private volatile long lastWake = System.nanoTime() - Long.MAX_VALUE / 4;
    AutoCloseable subscription;

    RunFanOut(String runId, FrameCache frames, ScheduledExecutorService timer, long coalesceNanos) {
        this.runId = runId;
        this.frames = frames;
        this.timer = timer;
        this.coalesceNanos = coalesceNanos;
    }

    /** The event log's listener (on the appending thread): never blocks, never throws. */
    void publish(RunEventRecord r) {
        try {
            if (r.seq() <= latest) return; // a copy of something already published
            boolean terminal = r.event() instanceof RunEvent.StateChanged s && s.state().isTerminal();
            ring.set((int) (r.seq() % RING), new Frame(r.seq(), frames.frame(r), terminal));
            latest = r.seq(); // published after the slot: a reader that sees it finds the frame
            long now = System.nanoTime();
            long since = now - lastWake;
            if (since >= coalesceNanos) {
                lastWake = now;
                wakeAll();
            } else if (wakeScheduled.compareAndSet(false, true)) {
                timer.schedule(() -> {
                    wakeScheduled.set(false);
                    lastWake = System.nanoTime();
                    wakeAll();
                }, coalesceNanos - since, TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException e) {
            // A rejected timer task (shutdown) must not reach the worker that appended the event.
        }
    }

    long latest() {
        return latest;
    }

    /** The frame with that sequence number, or null when the ring no longer (or never) held it. */
    Frame frame(long seq) {
        Frame f = ring.get((int) (seq % RING));
        return f != null && f.seq() == seq ? f : null;
    }

    void add(EventStream s) {
        clients.add(s);
    }

    /** True when the last client left. */
    boolean remove(EventStream s) {
        clients.remove(s);
        return clients.isEmpty();
    }

    private void wakeAll() {
        for (EventStream s : clients) s.wake();
    }
}
