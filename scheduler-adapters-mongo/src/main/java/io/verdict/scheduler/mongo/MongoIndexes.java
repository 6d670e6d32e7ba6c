package io.verdict.scheduler.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import org.bson.Document;

import java.util.List;
import java.util.Map;

import static io.verdict.scheduler.mongo.CollectionNames.*;

/**
 * Every index the adapters rely on, created at start-up. {@code createIndexes} with an identical spec is a
 * no-op on MongoDB, so this runs on every boot of every instance. The unique ones carry correctness: they are
 * what makes a re-delivered segment result, a replayed intake event or a racing insert harmless.
 */
public final class MongoIndexes {
    private MongoIndexes() {}

    /** The index specs per collection; the README lists the same. */
    static Map<String, List<IndexModel>> specs() {
        return Map.ofEntries(
                Map.entry(RUNS, List.of(
                        index(new Document("tenantId", 1).append("createdAt", -1).append("_id", -1), "tenant_newest", false),
                        index(new Document("createdAt", -1).append("_id", -1), "newest", false),
                        index(new Document("state", 1).append("createdAt", 1).append("_id", 1), "state_oldest", false))),
                Map.entry(SEGMENTS, List.of(
                        index(new Document("runId", 1).append("index", 1), "run_index", true),
                        // maxFencingToken(): seeding a lost Redis token counter reads the top entry only
                        index(new Document("fencingToken", -1), "fencing_desc", false))),
                Map.entry(DELTAS, List.of(
                        index(new Document("runId", 1).append("imageDigest", 1), "run_image", true))),
                Map.entry(VERDICTS, List.of(
                        index(new Document("tenantId", 1).append("imageDigest", 1), "tenant_image", true))),
                Map.entry(IMAGES, List.of(
                        index(new Document("tenantId", 1).append("digest", 1), "tenant_digest", true))),
                Map.entry(SCHEDULES, List.of(
                        index(new Document("tenantId", 1).append("id", 1), "tenant_id", true))),
                Map.entry(CURSORS, List.of(
                        index(new Document("tenantId", 1).append("source", 1), "tenant_source", true))),
                Map.entry(PROCESSED_EVENTS, List.of(
                        index(new Document("tenantId", 1).append("eventId", 1), "tenant_event", true))),
                Map.entry(AUDIT, List.of(
                        index(new Document("tenantId", 1).append("occurredAt", -1).append("_id", -1), "tenant_newest", false))),
                Map.entry(RUN_EVENTS, List.of(
                        index(new Document("runId", 1).append("seq", 1), "run_seq", true))),
                Map.entry(QUEUE, List.of(
                        index(new Document("queue", 1).append("key", 1), "queue_key", true),
                        index(new Document("queue", 1).append("availableAt", 1).append("seq", 1), "queue_ready", false),
                        index(new Document("queue", 1).append("leaseExpiresAt", 1), "queue_lease_expiry", false),
                        index(new Document("queue", 1).append("runId", 1), "queue_run", false))),
                Map.entry(OUTBOX, List.of(
                        index(new Document("key", 1), "idempotency_key", true),
                        index(new Document("status", 1).append("runId", 1).append("_id", 1), "pending_by_run", false),
                        index(new Document("tenantId", 1).append("_id", 1), "tenant_id", false),
                        index(new Document("tenantId", 1).append("status", 1).append("_id", 1), "tenant_status_id", false))),
                Map.entry(RUN_PROGRESS, List.of(
                        index(new Document("state", 1), "state", false))),
                Map.entry(TICK_DECISIONS, List.of(
                        index(new Document("tenantId", 1).append("scheduleId", 1).append("fireTime", -1),
                                "tenant_schedule_fire", true))),
                Map.entry(TICK_CURSORS, List.of(
                        index(new Document("tenantId", 1).append("scheduleId", 1), "tenant_schedule", true))),
                Map.entry(IMAGE_CHANGES, List.of(
                        index(new Document("at", 1).append("seq", 1), "at_seq", false),
                        new IndexModel(new Document("at", 1), new IndexOptions().name("expire_at")
                                .expireAfter(1L, java.util.concurrent.TimeUnit.DAYS)))),
                Map.entry(POLICY_RUNS, List.of(
                        index(new Document("tenantId", 1).append("policyRunId", 1), "tenant_policy_run", true),
                        index(new Document("tenantId", 1).append("policyId", 1).append("requestedAt", -1), "tenant_policy_newest", false))),
                Map.entry(ADVISORY_CATALOG, List.of(
                        index(new Document("tenantId", 1).append("vulnerabilityId", 1), "tenant_vulnerability", true))),
                Map.entry(DEAD_LETTERS, List.of(
                        index(new Document("queue", 1).append("key", 1).append("fencingToken", 1), "queue_key_token", true),
                        index(new Document("queue", 1).append("tenantId", 1).append("at", -1), "queue_tenant_newest", false))));
    }

    private static IndexModel index(Document keys, String name, boolean unique) {
        return new IndexModel(keys, new IndexOptions().name(name).unique(unique));
    }

    /** Creates the indexes that do not exist yet; safe to call concurrently from several instances. */
    public static void ensure(MongoDatabase db) {
        specs().forEach((collection, indexes) -> db.getCollection(collection).createIndexes(indexes));
    }
}
