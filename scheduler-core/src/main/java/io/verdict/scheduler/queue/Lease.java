package io.verdict.scheduler.queue;

import java.time.Instant;

/**
 * A worker's time-bounded claim on a queued segment. {@code fencingToken} grows with every claim of any
 * segment, so a later claim of the same segment always carries a larger token than an earlier one.
 *
 * @param deliveries how many times this message has been handed out (1 on first claim)
 * @param receipt    adapter-specific handle (e.g. a Redis stream entry ID); opaque to the core
 */
public record Lease(SegmentRef ref, String owner, long fencingToken, Instant expiresAt, int deliveries, String receipt) {}
