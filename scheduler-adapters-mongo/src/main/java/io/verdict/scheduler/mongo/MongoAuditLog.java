package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.verdict.scheduler.audit.AuditCursor;
import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditQuery;
import io.verdict.scheduler.audit.AuditRecord;
import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.runs.Page;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Append-only {@code audit} collection. Newest first is (occurredAt desc, _id desc): the driver-generated
 * ObjectId grows within a process, so actions stamped in the same millisecond keep their append order. A query's
 * cursor carries the last record's (occurredAt, ObjectId) and continues strictly below it on the
 * {@code tenant_newest} index; actor, action and target are equality filters on top.
 */
public final class MongoAuditLog implements AuditLog {
    private final MongoCollection<Document> audit;

    public MongoAuditLog(MongoDatabase db) {
        this.audit = db.getCollection(CollectionNames.AUDIT);
    }

    @Override
    public void append(AuditRecord record) {
        audit.insertOne(AuditDocuments.toDocument(record).append("_id", new ObjectId()));
    }

    @Override
    public List<AuditRecord> recent(String tenantId, int limit) {
        List<AuditRecord> out = new ArrayList<>();
        if (limit < 1) return out;
        for (Document d : audit.find(Filters.eq("tenantId", tenantId))
                .sort(Sorts.descending("occurredAt", "_id")).limit(limit)) {
            out.add(AuditDocuments.fromDocument(d));
        }
        return out;
    }

    @Override
    public Page<AuditRecord> query(AuditQuery q) {
        List<Bson> and = new ArrayList<>(List.of(Filters.eq("tenantId", q.tenantId())));
        if (q.actor() != null) and.add(Filters.eq("actor", q.actor()));
        if (q.action() != null) and.add(Filters.eq("action", q.action()));
        if (q.target() != null) and.add(Filters.eq("target", q.target()));
        if (q.from() != null) and.add(Filters.gte("occurredAt", Date.from(q.from())));
        if (q.to() != null) and.add(Filters.lt("occurredAt", Date.from(q.to())));
        AuditCursor after = q.after();
        if (after != null) {
            if (!ObjectId.isValid(after.position())) throw ValidationException.of("cursor", "malformed cursor");
            Date at = new Date(after.occurredMs());
            and.add(Filters.or(Filters.lt("occurredAt", at),
                    Filters.and(Filters.eq("occurredAt", at), Filters.lt("_id", new ObjectId(after.position())))));
        }
        List<Document> rows = new ArrayList<>();
        // One extra document tells whether another page exists, so the last page never carries a dead-end cursor.
        audit.find(Filters.and(and)).sort(Sorts.descending("occurredAt", "_id")).limit(q.limit() + 1).into(rows);
        List<AuditRecord> items = new ArrayList<>();
        for (int i = 0; i < Math.min(rows.size(), q.limit()); i++) items.add(AuditDocuments.fromDocument(rows.get(i)));
        if (rows.size() <= q.limit()) return new Page<>(items, null);
        Document last = rows.get(q.limit() - 1);
        Date at = last.getDate("occurredAt");
        return new Page<>(items, new AuditCursor(at == null ? 0L : at.getTime(), last.getObjectId("_id").toHexString()).encode());
    }
}
