package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.verdict.scheduler.impact.ImageChange;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Indexed SBOMs in the {@code images} collection, one document per (tenantId, digest), and their change log in
 * {@code imageChanges} ({@code seq} from the {@code imageChanges} counter, {@code at} from the store's clock, the image
 * or null for a removal), which every instance's index follows. The image is written before its change: a crash in
 * between leaves the change unrecorded, so other instances see that image at their next restart. Old changes expire
 * through a TTL index (one day); nothing relies on the expiry, followers read only a short window.
 */
public final class MongoImageStore implements ImageStore {
    static final String CHANGE_COUNTER = "imageChanges";

    private final MongoCollection<Document> images;
    private final MongoCollection<Document> changes;
    private final Counters counters;
    private final Clock clock;

    public MongoImageStore(MongoDatabase db, Clock clock) {
        this.images = db.getCollection(CollectionNames.IMAGES);
        this.changes = db.getCollection(CollectionNames.IMAGE_CHANGES);
        this.counters = new Counters(db);
        this.clock = clock;
    }

    public MongoImageStore(MongoDatabase db) {
        this(db, Clock.systemUTC());
    }

    @Override
    public void save(ImageRecord image) {
        Upserts.replace(images, key(image.tenantId(), image.digest()), ImageDocuments.toDocument(image));
        record(image.tenantId(), image.digest(), ImageDocuments.toDocument(image));
    }

    @Override
    public boolean delete(String tenantId, String digest) {
        boolean deleted = images.deleteOne(key(tenantId, digest)).getDeletedCount() == 1;
        if (deleted) record(tenantId, digest, null);
        return deleted;
    }

    private void record(String tenantId, String digest, Document image) {
        changes.insertOne(new Document("seq", counters.next(CHANGE_COUNTER))
                .append("at", Fields.date(clock.instant())).append("tenantId", tenantId).append("digest", digest)
                .append("image", image));
    }

    /** Streams the whole collection in driver batches; at start-up only (the index is rebuilt from it). */
    @Override
    public List<ImageRecord> loadAll() {
        List<ImageRecord> out = new ArrayList<>();
        for (Document d : images.find().batchSize(1000)) out.add(ImageDocuments.fromDocument(d));
        return out;
    }

    @Override
    public List<ImageChange> changesAfter(Instant at, long seq, int limit) {
        Bson after = Filters.or(Filters.gt("at", Fields.date(at)),
                Filters.and(Filters.eq("at", Fields.date(at)), Filters.gt("seq", seq)));
        List<ImageChange> out = new ArrayList<>();
        for (Document d : changes.find(after).sort(Sorts.ascending("at", "seq")).limit(limit)) {
            Document image = d.get("image", Document.class);
            out.add(new ImageChange(Fields.longValue(d, "seq"), Fields.instant(d, "at"), d.getString("tenantId"),
                    d.getString("digest"), image == null ? null : ImageDocuments.fromDocument(image)));
        }
        return out;
    }

    private static Bson key(String tenantId, String digest) {
        return Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("digest", digest));
    }
}
