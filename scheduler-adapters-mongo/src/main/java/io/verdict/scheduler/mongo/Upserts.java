package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.bson.conversions.Bson;

/** Replace-or-insert on a natural key held unique by an index. */
final class Upserts {
    private Upserts() {}

    /**
     * Two instances upserting the same new key at once can both decide to insert; the loser gets a duplicate
     * key error. Its replace then finds the winner's document, so one retry settles it (last writer wins).
     */
    static void replace(MongoCollection<Document> collection, Bson key, Document doc) {
        try {
            collection.replaceOne(key, doc, new ReplaceOptions().upsert(true));
        } catch (MongoException e) {
            if (!DuplicateKeys.is(e)) throw e;
            collection.replaceOne(key, doc, new ReplaceOptions().upsert(true));
        }
    }
}
