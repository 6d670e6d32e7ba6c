package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up index creation: repeatable, and the unique keys that carry idempotency are really there. */
class MongoIndexesTest {
    private static final MongoTestDatabase DB = MongoTestDatabase.forClass(MongoIndexesTest.class);

    @AfterAll
    static void dropDatabase() {
        DB.close();
    }

    @Test
    void everyStartCreatesTheSameIndexesWithoutError() {
        MongoDatabase db = DB.fresh();
        new MongoStorage(db, Clock.systemUTC()).close();
        new MongoStorage(db, Clock.systemUTC()).close(); // a second instance, or a restart

        assertThat(uniqueIndexes(db, "deltas")).containsExactly("run_image");
        assertThat(uniqueIndexes(db, "processedEvents")).containsExactly("tenant_event");
        assertThat(uniqueIndexes(db, "segments")).containsExactly("run_index");
        assertThat(uniqueIndexes(db, "runEvents")).containsExactly("run_seq");
        assertThat(uniqueIndexes(db, "queueMessages")).containsExactly("queue_key");
        assertThat(uniqueIndexes(db, "schedules")).containsExactly("tenant_id");
        assertThat(indexNames(db, "runs")).contains("tenant_newest", "newest", "state_oldest");
    }

    private static List<String> uniqueIndexes(MongoDatabase db, String collection) {
        List<String> out = new ArrayList<>();
        for (Document ix : db.getCollection(collection).listIndexes()) {
            if (Boolean.TRUE.equals(ix.get("unique"))) out.add(ix.getString("name"));
        }
        return out;
    }

    private static List<String> indexNames(MongoDatabase db, String collection) {
        List<String> out = new ArrayList<>();
        for (Document ix : db.getCollection(collection).listIndexes()) out.add(ix.getString("name"));
        return out;
    }
}
