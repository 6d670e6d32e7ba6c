package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.verdict.scheduler.execution.ScanReport;
import io.verdict.scheduler.execution.VerdictStore;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.Optional;

/** Last report per (tenantId, imageDigest) in the {@code verdicts} collection; a save replaces it. */
public final class MongoVerdictStore implements VerdictStore {
    private final MongoCollection<Document> verdicts;

    public MongoVerdictStore(MongoDatabase db) {
        this.verdicts = db.getCollection(CollectionNames.VERDICTS);
    }

    @Override
    public Optional<ScanReport> latest(String tenantId, String imageDigest) {
        Document d = verdicts.find(key(tenantId, imageDigest)).first();
        return Optional.ofNullable(d).map(ReportDocuments::fromDocument);
    }

    @Override
    public void save(String tenantId, ScanReport report) {
        Upserts.replace(verdicts, key(tenantId, report.imageDigest()), ReportDocuments.toDocument(tenantId, report));
    }

    private static Bson key(String tenantId, String imageDigest) {
        return Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("imageDigest", imageDigest));
    }
}
