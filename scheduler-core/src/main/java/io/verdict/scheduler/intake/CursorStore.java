package io.verdict.scheduler.intake;

import java.util.Optional;

/** Intake bookkeeping: cursors and the set of processed event IDs (idempotency). */
public interface CursorStore {
    Optional<Cursor> find(String tenantId, String source);

    void save(Cursor cursor);

    /** The run planned for an event already processed, if any ("" when it planned nothing). */
    Optional<String> processedEvent(String tenantId, String eventId);

    /** Records the event as processed; returns false if it already was (first writer wins). */
    boolean markProcessed(String tenantId, String eventId, String runId);
}
