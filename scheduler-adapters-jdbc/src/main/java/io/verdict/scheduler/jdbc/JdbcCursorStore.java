package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.intake.CursorStore;

import java.time.Clock;
import java.util.Optional;

/**
 * Intake cursors ({@code intake_cursors}, per tenant and source) and processed event IDs
 * ({@code processed_events}, per tenant and event): the primary key makes {@link #markProcessed} first-writer-wins
 * across instances.
 */
public final class JdbcCursorStore implements CursorStore {
    private final JdbcDatabase db;
    private final Clock clock;

    public JdbcCursorStore(JdbcDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<Cursor> find(String tenantId, String source) {
        return db.transaction(c -> Sql.one(c, "SELECT doc FROM intake_cursors WHERE tenant_id = ? AND source = ?",
                rs -> CatalogCodecs.cursor(Doc.parse(rs.getString(1))), tenantId, source));
    }

    @Override
    public void save(Cursor cursor) {
        db.transaction(c -> Sql.update(c, "INSERT INTO intake_cursors (tenant_id, source, doc) VALUES (?,?,?) "
                        + "ON CONFLICT (tenant_id, source) DO UPDATE SET doc = excluded.doc", cursor.tenantId(),
                cursor.source(), CatalogCodecs.cursor(cursor).json()));
    }

    @Override
    public Optional<String> processedEvent(String tenantId, String eventId) {
        return db.transaction(c -> Sql.one(c, "SELECT run_id FROM processed_events WHERE tenant_id = ? AND event_id = ?",
                rs -> rs.getString(1), tenantId, eventId));
    }

    @Override
    public boolean markProcessed(String tenantId, String eventId, String runId) {
        return db.transaction(c -> Sql.update(c, "INSERT INTO processed_events (tenant_id, event_id, run_id, processed_ms) "
                        + "VALUES (?,?,?,?) ON CONFLICT (tenant_id, event_id) DO NOTHING", tenantId, eventId,
                runId == null ? "" : runId, clock.millis())) == 1;
    }
}
