package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;

/** Indexed SBOMs in the {@code images} collection, one document per (tenantId, digest). */
public final class MongoImageStore implements ImageStore {
    private final MongoCollection<Document> images;

    public MongoImageStore(MongoDatabase db) {
        this.images = db.getCollection(CollectionNames.IMAGES);
    }

    @Override
    public void save(ImageRecord image) {
        Upserts.replace(images, key(image.tenantId(), image.digest()), ImageDocuments.toDocument(image));
    }

    @Override
    public boolean delete(String tenantId, String digest) {
        return images.deleteOne(key(tenantId, digest)).getDeletedCount() == 1;
    }

    /** Streams the whole collection in driver batches; at start-up only (the index is rebuilt from it). */
    @Override
    public List<ImageRecord> loadAll() {
        List<ImageRecord> out = new ArrayList<>();
        for (Document d : images.find().batchSize(1000)) out.add(ImageDocuments.fromDocument(d));
        return out;
    }

    private static Bson key(String tenantId, String digest) {
        return Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("digest", digest));
    }
}
