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

    /**
     * Enqueues many refs (a planned run's segments) as {@link #enqueue} does each. Why: a queue in the store does
     * it in one transaction and Redis in a few script calls, where one call per segment costs a commit or a round
     * trip each (1,000 for a 100,000-target run). Returns how many were new where the adapter can tell; the
     * default, one {@link #enqueue} per ref, cannot and returns -1.
     */
    default int enqueueAll(java.util.Collection<SegmentRef> refs, Instant availableAt) {
        for (SegmentRef ref : refs) enqueue(ref, availableAt);
        return -1;
    }

    /** Claims the oldest ready segment for {@code leaseTime}; expired leases are reclaimed first. */
    Optional<Lease> claim(String owner, Duration leaseTime);

    /** Extends a lease still held; throws {@link StaleLeaseException} when it expired and was reclaimed. */
    Lease renew(Lease lease, Duration leaseTime);

    /** Work done: removes the message. A stale lease's ack is ignored (returns false). */
    boolean ack(Lease lease);

    /**
     * Acks {@code done} (as {@link #ack}) and then claims the next message (as {@link #claim}). Why: a worker that
     * finished a segment claims the next one at once, and a queue in the store can do both in one transaction —
     * one commit, one fsync — instead of two. The ack happens whatever the claim finds.
     */
    default Optional<Lease> ackThenClaim(Lease done, String owner, Duration leaseTime) {
        ack(done);
        return claim(owner, leaseTime);
    }

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
