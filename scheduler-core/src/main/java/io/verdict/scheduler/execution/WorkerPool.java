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

    /** Longest pause between attempts while the queue or store keeps failing. */
    static final long MAX_FAILURE_BACKOFF_MS = 5_000;

    private void loop(SegmentWorker worker, Duration idle, Runnable housekeeping) {
        try {
            work(worker, idle, housekeeping);
        } finally {
            try {
                worker.settle(); // the last completed segment's message, not acked by a next claim
            } catch (RuntimeException e) {
                // its segment is stored as completed: the message comes back once as a duplicate and is acked then
            }
        }
    }

    private void work(SegmentWorker worker, Duration idle, Runnable housekeeping) {
        long pause = idle.toMillis();
        int failures = 0;
        while (running.get()) {
            try {
                boolean worked = worker.runOnce();
                if (failures > 0) {
                    System.getLogger("scheduler.worker").log(System.Logger.Level.INFO,
                            "worker " + worker.workerId() + " resumed after " + failures + " failed attempts");
                    failures = 0;
                }
                if (worked) {
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
                // A store or queue outage must not kill the worker, nor make it spin and flood the log: back off
                // exponentially (up to 5 s), say so once per streak, and resume by itself when the dependency returns.
                // A lease in hand expires and its segment is reclaimed.
                failures++;
                if (failures == 1) {
                    System.getLogger("scheduler.worker").log(System.Logger.Level.WARNING,
                            "worker " + worker.workerId() + " iteration failed, backing off: " + e);
                }
                long backoff = Math.min(MAX_FAILURE_BACKOFF_MS, idle.toMillis() << Math.min(failures, 20));
                try {
                    Thread.sleep(backoff);
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
