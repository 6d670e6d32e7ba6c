package io.verdict.scheduler.events.outbox;

/** Delivery state of an outbox entry. */
public enum OutboxStatus {
    /** Not yet delivered (never tried, or retrying after a failure). */
    PENDING,
    /** A sink accepted it. */
    DELIVERED,
    /** Gave up after the configured attempts; waits in the dead-letter list for a replay. */
    DEAD
}
