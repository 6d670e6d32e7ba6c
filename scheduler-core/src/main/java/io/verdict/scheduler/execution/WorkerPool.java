package io.verdict.scheduler.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * N worker threads, each looping claim → execute, idling briefly when the queue is empty. {@link #stop()}
 * is graceful: threads stop claiming and finish the segment in hand (an interrupted scanner call leaves the
 * lease to expire and be reclaimed elsewhere).
 */
public final class WorkerPool implements AutoCloseable {
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    public WorkerPool(int count, IntFunction<SegmentWorker> factory, Duration idle, Runnable housekeeping) {
        for (int i = 0; i < count; i++) {
            SegmentWorker w = factory.apply(i);
            Thread t = Thread.ofPlatform().name("scheduler-" + w.workerId()).daemon(true).unstarted(() -> loop(w, idle, housekeeping));
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void loop(SegmentWorker worker, Duration idle, Runnable housekeeping) {
        long pause = idle.toMillis();
        while (running.get()) {
            try {
                if (worker.runOnce()) {
                    pause = idle.toMillis();
                } else {
                    // An idle worker backs off (up to 20 idle periods) so a quiet cluster does not poll the store hard.
                    housekeeping.run();
                    Thread.sleep(pause);
                    pause = Math.min(pause * 2, idle.toMillis() * 20);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A store or queue hiccup must not kill the worker; the lease expires and the segment is reclaimed.
                System.getLogger("scheduler.worker").log(System.Logger.Level.WARNING,
                        "worker " + worker.workerId() + " iteration failed: " + e);
                try {
                    Thread.sleep(idle.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Stops claiming; waits up to {@code grace} for segments in hand, then interrupts. */
    public void stop(Duration grace) {
        running.set(false);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) t.interrupt();
        }
    }

    public void stop() {
        stop(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        stop();
    }
}
