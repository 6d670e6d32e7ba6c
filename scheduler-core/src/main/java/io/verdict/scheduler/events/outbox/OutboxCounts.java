package io.verdict.scheduler.events.outbox;

/**
 * Entries per state. {@code retrying} is the part of {@code pending} that failed at least once.
 */
public record OutboxCounts(long pending, long retrying, long delivered, long dead) {}
