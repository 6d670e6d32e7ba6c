package io.verdict.scheduler.execution;

import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.queue.SegmentRef;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.SegmentStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The store is the source of truth for queued work; the queue can lose messages (Redis emptied, failover to an
 * empty replica). The rule: every segment of an active run that the store holds as {@code queued}, or as
 * {@code leased}/{@code running} with a lease that has expired, is enqueued again. Enqueueing is idempotent for
 * a message the queue still holds (waiting or leased), so reconciling a healthy queue changes nothing, and a
 * duplicate delivery is harmless anyway (fencing tokens, deltas idempotent per run and image).
 *
 * <p>Runs at start and then at most once per {@code every} from the workers' housekeeping.
 */
public final class QueueReconciler {
    private final RunStore runs;
    private final SegmentStore segments;
    private final SegmentQueue queue;
    private final Clock clock;
    private final Duration every;
    private final AtomicReference<Instant> last = new AtomicReference<>(Instant.MIN);

    public QueueReconciler(RunStore runs, SegmentStore segments, SegmentQueue queue, Clock clock, Duration every) {
        this.runs = runs;
        this.segments = segments;
        this.queue = queue;
        this.clock = clock;
        this.every = every;
    }

    /** The interval for a lease time: as long as one lease, between 1 and 30 seconds. */
    public static Duration intervalFor(Duration leaseTime) {
        long ms = Math.max(1_000, Math.min(30_000, leaseTime.toMillis()));
        return Duration.ofMillis(ms);
    }

    /** True when the store's segment should be in the queue although the queue may have lost it. */
    public static boolean needsQueueing(Segment s, Instant now) {
        return switch (s.state()) {
            case QUEUED, FAILED -> true;
            case LEASED, RUNNING -> s.leaseExpiresAt() == null || !s.leaseExpiresAt().isAfter(now);
            default -> false;
        };
    }

    /** Re-enqueues what the store holds as queued or as leased with an expired lease; returns how many refs. */
    public int reconcile() {
        Instant now = clock.instant();
        last.set(now);
        int n = 0;
        for (Run r : runs.active()) {
            for (Segment s : segments.forRun(r.id())) {
                if (s.state().isTerminal() || !needsQueueing(s, now)) continue;
                Instant at = s.state() != SegmentState.LEASED && s.state() != SegmentState.RUNNING
                        && s.nextAttemptAt() != null && s.nextAttemptAt().isAfter(now) ? s.nextAttemptAt() : now;
                queue.enqueue(new SegmentRef(s.tenantId(), s.runId(), s.index(), s.scheduleId()), at);
                n++;
            }
        }
        return n;
    }

    /** {@link #reconcile()} when the last pass is at least {@code every} old; safe to call from many threads. */
    public void maybeReconcile() {
        Instant now = clock.instant();
        Instant prev = last.get();
        if (prev != Instant.MIN && prev.plus(every).isAfter(now)) return;
        if (!last.compareAndSet(prev, now)) return; // another worker thread is doing it
        reconcile();
    }
}
