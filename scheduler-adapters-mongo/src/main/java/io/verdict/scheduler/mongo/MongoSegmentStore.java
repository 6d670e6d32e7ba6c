package io.verdict.scheduler.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.result.UpdateResult;
import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.errors.StaleLeaseException;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentStore;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Segments in the {@code segments} collection, unique on (runId, index). A write matches only when the stored
 * version is the previous one <em>and</em> the stored fencing token is not above the writer's, in one
 * conditional replace; when nothing matched, a read tells the caller which of the two it lost on.
 */
public final class MongoSegmentStore implements SegmentStore {
    private final MongoCollection<Document> segments;

    public MongoSegmentStore(MongoDatabase db) {
        this.segments = db.getCollection(CollectionNames.SEGMENTS);
    }

    @Override
    public void insertAll(List<Segment> list) {
        if (list.isEmpty()) return;
        List<Document> docs = new ArrayList<>(list.size());
        for (Segment s : list) docs.add(SegmentDocuments.toDocument(s));
        try {
            // Unordered: the server may apply the batch in parallel; a duplicate still fails the call.
            segments.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (DuplicateKeys.anyIn(e)) throw new ConcurrentUpdateException("segments of run " + list.get(0).runId() + " exist");
            throw e;
        } catch (MongoException e) {
            if (DuplicateKeys.is(e)) throw new ConcurrentUpdateException("segments of run " + list.get(0).runId() + " exist");
            throw e;
        }
    }

    @Override
    public Optional<Segment> find(String runId, int index) {
        Document d = segments.find(key(runId, index)).first();
        return Optional.ofNullable(d).map(SegmentDocuments::fromDocument);
    }

    @Override
    public List<Segment> forRun(String runId) {
        List<Segment> out = new ArrayList<>();
        for (Document d : segments.find(Filters.eq("runId", runId)).sort(Sorts.ascending("index"))) {
            out.add(SegmentDocuments.fromDocument(d));
        }
        return out;
    }

    @Override
    public Segment update(Segment updated) {
        UpdateResult r = segments.replaceOne(Filters.and(key(updated.runId(), updated.index()),
                        Filters.eq("version", updated.version() - 1),
                        Filters.lte("fencingToken", updated.fencingToken())),
                SegmentDocuments.toDocument(updated));
        if (r.getMatchedCount() == 1) return updated;
        Document current = segments.find(key(updated.runId(), updated.index())).first();
        if (current == null) throw new ConcurrentUpdateException("segment " + updated.key() + " missing");
        long token = Fields.longValue(current, "fencingToken");
        if (updated.fencingToken() < token) throw new StaleLeaseException(updated.key(), updated.fencingToken(), token);
        throw new ConcurrentUpdateException("segment " + updated.key());
    }

    private static org.bson.conversions.Bson key(String runId, int index) {
        return Filters.and(Filters.eq("runId", runId), Filters.eq("index", index));
    }

    @Override
    public long maxFencingToken() {
        Document top = segments.find().sort(Sorts.descending("fencingToken")).limit(1).first();
        return top == null ? 0 : Fields.longValue(top, "fencingToken");
    }
}
