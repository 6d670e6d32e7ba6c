package io.verdict.scheduler.queue;

import io.verdict.scheduler.errors.StaleLeaseException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable work queue of segments. Adapters: in-memory (core), Redis Streams, store-backed (Mongo).
 * Expiry of leases is judged by the queue's own clock (injected clock, Redis TIME, store time), never by the
 * claiming node's clock. The behaviour every adapter must show is written down once in {@code QueueContract}.
 */
public interface SegmentQueue {
    /** Makes the segment claimable at {@code availableAt} (now or later). Enqueueing a ref that is already waiting is a no-op. */
    void enqueue(SegmentRef ref, Instant availableAt);

    /** Claims the oldest ready segment for {@code leaseTime}; expired leases are reclaimed first. */
    Optional<Lease> claim(String owner, Duration leaseTime);

    /** Extends a lease still held; throws {@link StaleLeaseException} when it expired and was reclaimed. */
    Lease renew(Lease lease, Duration leaseTime);

    /** Work done: removes the message. A stale lease's ack is ignored (returns false). */
    boolean ack(Lease lease);

    /** Gives the message back to be claimed again at {@code availableAt} (a retry window). */
    boolean retryAt(Lease lease, Instant availableAt);

    /**
     * Gives a message back untouched — not a failed attempt: the delivery does not count towards the poison limit —
     * claimable again at {@code availableAt} (a segment deferred for its run's {@code limits.parallelism}). The
     * default counts it like {@link #retryAt}; adapters that track deliveries undo the claim's count.
     */
    default boolean release(Lease lease, Instant availableAt) {
        return retryAt(lease, availableAt);
    }

    /** Moves the message to the dead-letter list with its reason. */
    boolean deadLetter(Lease lease, String reason);

    /** Puts messages whose lease expired back in the ready set; returns how many. */
    int reclaimExpired();

    /** Removes every waiting (not leased) message of a run; used when a run is cancelled. Returns how many. */
    int purgeRun(String runId);

    List<QueueDepth> depth();

    List<DeadLetter> deadLetters(String tenantId, int limit);

    /** The queue's name, e.g. {@code runner}. */
    default String name() {
        return "runner";
    }
}
