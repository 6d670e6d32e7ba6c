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

    /** One {@code $in} query for the images of a batch. */
    @Override
    public java.util.Map<String, ScanReport> latestAll(String tenantId, java.util.Collection<String> digests) {
        java.util.Map<String, ScanReport> out = new java.util.LinkedHashMap<>();
        if (digests.isEmpty()) return out;
        for (Document d : verdicts.find(Filters.and(Filters.eq("tenantId", tenantId),
                Filters.in("imageDigest", java.util.List.copyOf(digests))))) {
            ScanReport r = ReportDocuments.fromDocument(d);
            out.put(r.imageDigest(), r);
        }
        return out;
    }

    /** One unordered {@code bulkWrite} of upserting replaces. */
    @Override
    public void saveAll(String tenantId, java.util.List<ScanReport> reports) {
        if (reports.isEmpty()) return;
        java.util.List<com.mongodb.client.model.WriteModel<Document>> writes = new java.util.ArrayList<>();
        for (ScanReport r : reports) {
            writes.add(new com.mongodb.client.model.ReplaceOneModel<>(key(tenantId, r.imageDigest()),
                    ReportDocuments.toDocument(tenantId, r), new com.mongodb.client.model.ReplaceOptions().upsert(true)));
        }
        try {
            verdicts.bulkWrite(writes, new com.mongodb.client.model.BulkWriteOptions().ordered(false));
        } catch (com.mongodb.MongoBulkWriteException e) {
            // Two instances upserting the same new image at once: the loser's replace now finds the winner's doc.
            if (!e.getWriteErrors().stream().allMatch(w -> w.getCode() == 11000)) throw e;
            for (var w : e.getWriteErrors()) save(tenantId, reports.get(w.getIndex()));
        }
    }

    private static Bson key(String tenantId, String imageDigest) {
        return Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("imageDigest", imageDigest));
    }
}
