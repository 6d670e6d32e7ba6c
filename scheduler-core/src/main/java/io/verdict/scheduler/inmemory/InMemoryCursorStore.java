package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.intake.CursorStore;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryCursorStore implements CursorStore {
    private final ConcurrentHashMap<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> processed = new ConcurrentHashMap<>();

    @Override
    public Optional<Cursor> find(String tenantId, String source) {
        return Optional.ofNullable(cursors.get(tenantId + "|" + source));
    }

    @Override
    public void save(Cursor cursor) {
        cursors.put(cursor.tenantId() + "|" + cursor.source(), cursor);
    }

    @Override
    public Optional<String> processedEvent(String tenantId, String eventId) {
        return Optional.ofNullable(processed.get(tenantId + "|" + eventId));
    }

    @Override
    public boolean markProcessed(String tenantId, String eventId, String runId) {
        return processed.putIfAbsent(tenantId + "|" + eventId, runId == null ? "" : runId) == null;
    }
}
