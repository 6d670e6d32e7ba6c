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
