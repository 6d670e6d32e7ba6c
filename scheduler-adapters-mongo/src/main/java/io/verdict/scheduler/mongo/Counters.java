package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.bson.Document;

/** Named, durable, strictly increasing counters: one document per name, advanced with an atomic $inc. */
final class Counters {
    private final MongoCollection<Document> counters;

    Counters(MongoDatabase db) {
        this.counters = db.getCollection(CollectionNames.COUNTERS);
    }

    /** The next value of {@code name} (1 on first use). Concurrent callers never get the same value. */
    long next(String name) {
        try {
            return increment(name);
        } catch (MongoException e) {
            // Two first uses raced to create the document; it exists now, so the retry only increments.
            // (MongoDB 4.2+ retries this case itself; other servers may report the duplicate key.)
            if (!DuplicateKeys.is(e)) throw e;
            return increment(name);
        }
    }

    private long increment(String name) {
        Document d = counters.findOneAndUpdate(Filters.eq("_id", name), Updates.inc("value", 1L),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        return Fields.longValue(d, "value");
    }
}
