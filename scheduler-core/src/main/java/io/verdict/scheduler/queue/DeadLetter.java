package io.verdict.scheduler.queue;

import java.time.Instant;

/** A segment that will not be tried again, with the reason, kept for operators. */
public record DeadLetter(SegmentRef ref, String reason, int deliveries, Instant at) {}
