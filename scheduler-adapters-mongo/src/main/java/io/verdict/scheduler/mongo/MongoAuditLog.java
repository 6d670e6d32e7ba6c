package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.verdict.scheduler.audit.AuditLog;
import io.verdict.scheduler.audit.AuditRecord;
import org.bson.Document;
import org.bson.types.ObjectId;

import java.util.ArrayList;
import java.util.List;

/**
 * Append-only {@code audit} collection. Newest first is (occurredAt desc, _id desc): the driver-generated
 * ObjectId grows within a process, so actions stamped in the same millisecond keep their append order.
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
}
