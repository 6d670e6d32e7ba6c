package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.verdict.scheduler.runs.DeltaStore;
import io.verdict.scheduler.runs.DeltaSummary;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deltas in the {@code deltas} collection. The unique (runId, imageDigest) index is the idempotency: a
 * re-delivered segment result hits a duplicate key and records nothing, however many instances race.
 */
public final class MongoDeltaStore implements DeltaStore {
    private final MongoCollection<Document> deltas;

    public MongoDeltaStore(MongoDatabase db) {
        this.deltas = db.getCollection(CollectionNames.DELTAS);
    }

    @Override
    public boolean record(DeltaSummary delta) {
        try {
            deltas.insertOne(DeltaDocuments.toDocument(delta));
            return true;
        } catch (MongoException e) {
            if (DuplicateKeys.is(e)) return false;
            throw e;
        }
    }

    /**
     * One unordered {@code insertMany}; the unique (runId, imageDigest) index refuses deltas already recorded,
     * and the write errors say which, so exactly the others are reported as new.
     */
    @Override
    public List<DeltaSummary> recordAll(List<DeltaSummary> batch) {
        if (batch.isEmpty()) return List.of();
        List<Document> docs = new ArrayList<>(batch.size());
        for (DeltaSummary d : batch) docs.add(DeltaDocuments.toDocument(d));
        java.util.Set<Integer> refused = new java.util.HashSet<>();
        try {
            deltas.insertMany(docs, new com.mongodb.client.model.InsertManyOptions().ordered(false));
        } catch (com.mongodb.MongoBulkWriteException e) {
            for (var w : e.getWriteErrors()) {
                if (w.getCode() != 11000) throw e;
                refused.add(w.getIndex());
            }
        }
        List<DeltaSummary> out = new ArrayList<>(batch.size() - refused.size());
        for (int i = 0; i < batch.size(); i++) if (!refused.contains(i)) out.add(batch.get(i));
        return out;
    }

    /** One {@code $in} query for the images of a batch. */
    @Override
    public java.util.Map<String, DeltaSummary> findAll(String runId, java.util.Collection<String> digests) {
        java.util.Map<String, DeltaSummary> out = new java.util.LinkedHashMap<>();
        if (digests.isEmpty()) return out;
        for (Document d : deltas.find(Filters.and(Filters.eq("runId", runId),
                Filters.in("imageDigest", List.copyOf(digests))))) {
            DeltaSummary x = DeltaDocuments.fromDocument(d);
            out.put(x.imageDigest(), x);
        }
        return out;
    }

    @Override
    public Optional<DeltaSummary> find(String runId, String imageDigest) {
        Document d = deltas.find(Filters.and(Filters.eq("runId", runId), Filters.eq("imageDigest", imageDigest))).first();
        return Optional.ofNullable(d).map(DeltaDocuments::fromDocument);
    }

    @Override
    public List<DeltaSummary> forRun(String runId) {
        List<DeltaSummary> out = new ArrayList<>();
        for (Document d : deltas.find(Filters.eq("runId", runId)).sort(Sorts.ascending("imageDigest"))) {
            out.add(DeltaDocuments.fromDocument(d));
        }
        return out;
    }
}
