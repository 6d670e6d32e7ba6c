package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.verdict.scheduler.intake.Cursor;
import io.verdict.scheduler.intake.CursorStore;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Clock;
import java.util.Date;
import java.util.Optional;

import static io.verdict.scheduler.mongo.Fields.*;

/**
 * Intake cursors ({@code cursors}, unique per tenant and source) and processed event IDs
 * ({@code processedEvents}, unique per tenant and event ID). The unique index makes {@link #markProcessed}
 * first-writer-wins across instances: the second insert of an event hits a duplicate key.
 */
public final class MongoCursorStore implements CursorStore {
    private final MongoCollection<Document> cursors;
    private final MongoCollection<Document> processed;
    private final Clock clock;

    public MongoCursorStore(MongoDatabase db, Clock clock) {
        this.cursors = db.getCollection(CollectionNames.CURSORS);
        this.processed = db.getCollection(CollectionNames.PROCESSED_EVENTS);
        this.clock = clock;
    }

    @Override
    public Optional<Cursor> find(String tenantId, String source) {
        Document d = cursors.find(cursorKey(tenantId, source)).first();
        if (d == null) return Optional.empty();
        return Optional.of(new Cursor(string(d, "tenantId"), string(d, "source"), string(d, "lastEventId"),
                instant(d, "lastEventAt")));
    }

    @Override
    public void save(Cursor cursor) {
        Document d = new Document("tenantId", cursor.tenantId()).append("source", cursor.source());
        put(d, "lastEventId", cursor.lastEventId());
        putDate(d, "lastEventAt", cursor.lastEventAt());
        Upserts.replace(cursors, cursorKey(cursor.tenantId(), cursor.source()), d);
    }

    @Override
    public Optional<String> processedEvent(String tenantId, String eventId) {
        Document d = processed.find(Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("eventId", eventId))).first();
        return d == null ? Optional.empty() : Optional.of(string(d, "runId") == null ? "" : string(d, "runId"));
    }

    @Override
    public boolean markProcessed(String tenantId, String eventId, String runId) {
        try {
            processed.insertOne(new Document("tenantId", tenantId).append("eventId", eventId)
                    .append("runId", runId == null ? "" : runId).append("processedAt", Date.from(clock.instant())));
            return true;
        } catch (MongoException e) {
            if (DuplicateKeys.is(e)) return false;
            throw e;
        }
    }

    private static Bson cursorKey(String tenantId, String source) {
        return Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("source", source));
    }
}
