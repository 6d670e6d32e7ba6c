package io.verdict.scheduler.events.outbox;

import io.verdict.scheduler.events.EventEnvelope;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored envelope and its delivery state.
 *
 * @param id            position in the outbox, assigned at append, ascending in append order (the feed's cursor)
 * @param runId         ordering key: entries of one run are delivered in {@code id} order
 * @param attempts      failed or abandoned delivery attempts so far (0 for a fresh or replayed entry)
 * @param nextAttemptAt when a dispatcher may claim it next (moved forward by a claim, acting as its lease)
 * @param lastError     why the last attempt failed; null if none failed
 */
public record OutboxEntry(long id, String runId, EventEnvelope envelope, OutboxStatus status, int attempts,
                          Instant nextAttemptAt, String lastError) {
    public OutboxEntry {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(status, "status");
    }
}
