package io.verdict.scheduler.mongo;

import io.verdict.scheduler.audit.AuditRecord;
import org.bson.Document;

import static io.verdict.scheduler.mongo.Fields.*;

/** AuditRecord ⇄ document; metadata as {key, value} pairs (keys may contain dots). */
final class AuditDocuments {
    private AuditDocuments() {}

    static Document toDocument(AuditRecord r) {
        Document d = new Document("tenantId", r.tenantId());
        put(d, "actor", r.actor());
        put(d, "action", r.action());
        put(d, "target", r.target());
        putDate(d, "occurredAt", r.occurredAt());
        put(d, "correlationId", r.correlationId());
        return d.append("metadata", ImageDocuments.pairs(r.metadata()));
    }

    static AuditRecord fromDocument(Document d) {
        return new AuditRecord(requiredString(d, "tenantId"), string(d, "actor"), string(d, "action"),
                string(d, "target"), instant(d, "occurredAt"), string(d, "correlationId"),
                ImageDocuments.map(d, "metadata"));
    }
}
