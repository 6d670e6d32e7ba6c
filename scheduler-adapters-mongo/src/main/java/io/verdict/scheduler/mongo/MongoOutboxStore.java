package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import io.verdict.scheduler.events.EventEnvelope;
import io.verdict.scheduler.events.outbox.EnvelopeJson;
import io.verdict.scheduler.events.outbox.OutboxCounts;
import io.verdict.scheduler.events.outbox.OutboxEntry;
import io.verdict.scheduler.events.outbox.OutboxStatus;
import io.verdict.scheduler.events.outbox.OutboxStore;

import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outbox in collection {@code outbox}: {@code _id} is the entry's id, {@code key} the idempotency key (unique
 * index), the envelope kept as its canonical JSON text so what is delivered is byte-identical on every redelivery.
 *
 * <p>IDs: an append inserts the highest {@code _id} + 1 and retries when another instance took it (unique
 * {@code _id}); a single-document insert is visible when it returns, so an id is only ever taken after every
 * smaller one is visible — the feed's cursor never skips an entry. A batch (a unit of work's envelopes) is one
 * ordered insert of consecutive ids, which the server applies one document after the other, so the same holds. Claims are a compare-and-set on
 * {@code nextAttemptAt} per entry. Finding each run's oldest pending entry is one {@code $group} over the pending
 * entries (bounded by how much is undelivered, not by history).
 */
public final class MongoOutboxStore implements OutboxStore {
    private static final int MAX_APPEND_ATTEMPTS = 100;

    private static final long RELAY_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private final MongoCollection<Document> outbox;
    private final MongoCollection<Document> runs;
    private final MongoUnitOfWork work;
    private final java.util.concurrent.atomic.AtomicLong lastRelay = new java.util.concurrent.atomic.AtomicLong();

    public MongoOutboxStore(MongoDatabase db) {
        this(db, null);
    }

    /** An outbox whose appends inside {@code work}'s blocks are held back to the end of the block. */
    MongoOutboxStore(MongoDatabase db, MongoUnitOfWork work) {
        this.outbox = db.getCollection(CollectionNames.OUTBOX);
        this.runs = db.getCollection(CollectionNames.RUNS);
        this.work = work;
        this.lastRelay.set(System.nanoTime());
    }

    /** Inside a unit of work: held back (the answer's id is 0, the entry is stored at the end of the block). */
    @Override
    public OutboxEntry append(String runId, EventEnvelope envelope, Instant now) {
        if (work != null && work.stage(runId, List.of(envelope), now)) {
            return new OutboxEntry(0, runId, envelope, OutboxStatus.PENDING, 0, now, null);
        }
        return appendNow(runId, envelope, now);
    }

    @Override
    public List<OutboxEntry> appendAll(String runId, List<EventEnvelope> envelopes, Instant now) {
        if (work != null && work.stage(runId, envelopes, now)) {
            return envelopes.stream().map(e -> new OutboxEntry(0, runId, e, OutboxStatus.PENDING, 0, now, null)).toList();
        }
        return appendNow(envelopes.stream().map(e -> new Append(runId, e, now)).toList());
    }

    /** One envelope to store now: its run and when it is due. */
    record Append(String runId, EventEnvelope envelope, Instant dueAt) {}

    static Document pendingDocument(String runId, MongoUnitOfWork.Staged e) {
        return new Document("key", e.envelope().idempotencyKey()).append("runId", runId)
                .append("dueAt", e.dueAt().toEpochMilli()).append("envelope", EnvelopeJson.write(e.envelope()));
    }

    /**
     * Copies the envelopes a run document carries (see {@link MongoUnitOfWork}) to the outbox, in order, then clears
     * them unless the run was written again meanwhile (that writer relayed them first). Returns how many it copied.
     */
    int relayRun(String runId) {
        Document run = runs.find(Filters.and(Filters.eq("_id", runId), Filters.exists(MongoRunStore.OUTBOX_PENDING)))
                .projection(new Document(MongoRunStore.OUTBOX_PENDING, 1).append("version", 1)).first();
        return run == null ? 0 : relay(run);
    }

    /** Relays every run document still carrying envelopes (after a crash); at start and on dispatcher polls. */
    int relayPending() {
        lastRelay.set(System.nanoTime());
        int n = 0;
        for (Document run : runs.find(Filters.exists(MongoRunStore.OUTBOX_PENDING))
                .projection(new Document(MongoRunStore.OUTBOX_PENDING, 1).append("version", 1)).limit(1000)) {
            n += relay(run);
        }
        return n;
    }

    private int relay(Document run) {
        List<Document> pending = run.getList(MongoRunStore.OUTBOX_PENDING, Document.class, List.of());
        appendNow(pending.stream().map(p -> new Append(p.getString("runId"), EnvelopeJson.parse(p.getString("envelope")),
                Instant.ofEpochMilli(((Number) p.get("dueAt")).longValue()))).toList());
        runs.updateOne(Filters.and(Filters.eq("_id", run.get("_id")), Filters.eq("version", run.get("version"))),
                Updates.unset(MongoRunStore.OUTBOX_PENDING));
        return pending.size();
    }

    private OutboxEntry appendNow(String runId, EventEnvelope envelope, Instant now) {
        return appendNow(List.of(new Append(runId, envelope, now))).get(0);
    }

    /**
     * Stores the envelopes in their order, skipping any whose idempotency key is stored already, in three round
     * trips for the whole list — which keys exist, the highest id, one ordered insert — not three per envelope: a
     * unit of work ends with a batch's deltas all at once. The insert writes the ids one after the other, so the
     * rule above holds within it; when another instance took one of its ids (or keys) meanwhile, the insert stops
     * there, what went in before stays, and the next attempt reads again.
     */
    List<OutboxEntry> appendNow(List<Append> items) {
        if (items.isEmpty()) return List.of();
        Map<String, OutboxEntry> stored = new HashMap<>();
        for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
            List<String> unknown = items.stream().map(a -> a.envelope().idempotencyKey())
                    .filter(k -> !stored.containsKey(k)).distinct().toList();
            if (unknown.isEmpty()) break;
            for (Document d : outbox.find(unknown.size() == 1 ? Filters.eq("key", unknown.get(0)) : Filters.in("key", unknown))) {
                stored.put(d.getString("key"), entry(d));
            }
            Document last = outbox.find().sort(Sorts.descending("_id")).limit(1).first();
            long id = last == null ? 0 : last.getLong("_id");
            List<Document> docs = new ArrayList<>();
            Set<String> batch = new HashSet<>();
            for (Append a : items) {
                String key = a.envelope().idempotencyKey();
                if (stored.containsKey(key) || !batch.add(key)) continue;
                docs.add(new Document("_id", ++id).append("key", key).append("runId", a.runId())
                        .append("tenantId", a.envelope().tenant()).append("status", OutboxStatus.PENDING.name())
                        .append("attempts", 0).append("nextAttemptAt", a.dueAt().toEpochMilli())
                        .append("envelope", EnvelopeJson.write(a.envelope())));
            }
            if (docs.isEmpty()) break;
            try {
                if (docs.size() == 1) outbox.insertOne(docs.get(0));
                else outbox.insertMany(docs, new InsertManyOptions().ordered(true));
                for (Document d : docs) stored.put(d.getString("key"), entry(d));
                break;
            } catch (MongoException e) {
                if (!DuplicateKeys.is(e)) throw e;
                // an id or a key was taken meanwhile: read again (what went in before it is found by its key)
            }
        }
        List<OutboxEntry> out = new ArrayList<>(items.size());
        for (Append a : items) {
            OutboxEntry e = stored.get(a.envelope().idempotencyKey());
            if (e == null) throw new IllegalStateException("outbox append of " + a.envelope().idempotencyKey() + " kept colliding");
            out.add(e);
        }
        return out;
    }

    @Override
    public List<OutboxEntry> claim(Instant now, Duration lease, int limit) {
        int max = OutboxStore.bounded(limit);
        if (max == 0) return List.of();
        long last = lastRelay.get();
        if (work != null && System.nanoTime() - last >= RELAY_EVERY_NANOS && lastRelay.compareAndSet(last, System.nanoTime())) {
            relayPending(); // envelopes a crashed writer of another instance left in a run document
        }
        List<Long> heads = new ArrayList<>();
        for (Document g : outbox.aggregate(List.of(Aggregates.match(Filters.eq("status", OutboxStatus.PENDING.name())),
                Aggregates.group("$runId", Accumulators.min("head", "$_id"))))) {
            heads.add(((Number) g.get("head")).longValue());
        }
        if (heads.isEmpty()) return List.of();
        long leaseUntil = now.plus(lease).toEpochMilli();
        List<OutboxEntry> won = new ArrayList<>();
        for (Document d : outbox.find(Filters.and(Filters.in("_id", heads), Filters.eq("status", OutboxStatus.PENDING.name()),
                Filters.lte("nextAttemptAt", now.toEpochMilli()))).sort(Sorts.ascending("_id")).limit(max)) {
            Document leased = outbox.findOneAndUpdate(Filters.and(Filters.eq("_id", d.get("_id")),
                            Filters.eq("status", OutboxStatus.PENDING.name()), Filters.eq("nextAttemptAt", d.get("nextAttemptAt"))),
                    Updates.set("nextAttemptAt", leaseUntil),
                    new com.mongodb.client.model.FindOneAndUpdateOptions()
                            .returnDocument(com.mongodb.client.model.ReturnDocument.AFTER));
            if (leased != null) won.add(entry(leased));
        }
        return won;
    }

    @Override
    public void delivered(long id) {
        outbox.updateOne(pending(id), Updates.set("status", OutboxStatus.DELIVERED.name()));
    }

    @Override
    public void failed(long id, String error, Instant retryAt) {
        outbox.updateOne(pending(id), Updates.combine(Updates.inc("attempts", 1), Updates.set("lastError", error),
                Updates.set("nextAttemptAt", retryAt.toEpochMilli())));
    }

    @Override
    public void dead(long id, String error) {
        outbox.updateOne(pending(id), Updates.combine(Updates.inc("attempts", 1), Updates.set("lastError", error),
                Updates.set("status", OutboxStatus.DEAD.name())));
    }

    private static Bson pending(long id) {
        return Filters.and(Filters.eq("_id", id), Filters.eq("status", OutboxStatus.PENDING.name()));
    }

    @Override
    public List<OutboxEntry> after(String tenant, long afterId, int limit) {
        return page(Filters.and(Filters.eq("tenantId", tenant), Filters.gt("_id", afterId)), limit);
    }

    @Override
    public List<OutboxEntry> deadLetters(String tenant, long afterId, int limit) {
        return page(Filters.and(Filters.eq("tenantId", tenant), Filters.eq("status", OutboxStatus.DEAD.name()),
                Filters.gt("_id", afterId)), limit);
    }

    private List<OutboxEntry> page(Bson filter, int limit) {
        int max = OutboxStore.bounded(limit);
        if (max == 0) return List.of();
        List<OutboxEntry> out = new ArrayList<>();
        for (Document d : outbox.find(filter).sort(Sorts.ascending("_id")).limit(max)) out.add(entry(d));
        return out;
    }

    @Override
    public boolean replay(String tenant, long id, Instant now) {
        return outbox.updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("tenantId", tenant),
                        Filters.eq("status", OutboxStatus.DEAD.name())),
                Updates.combine(Updates.set("status", OutboxStatus.PENDING.name()), Updates.set("attempts", 0),
                        Updates.set("nextAttemptAt", now.toEpochMilli()))).getModifiedCount() == 1;
    }

    @Override
    public OutboxCounts counts() {
        long pending = outbox.countDocuments(Filters.eq("status", OutboxStatus.PENDING.name()));
        long retrying = outbox.countDocuments(Filters.and(Filters.eq("status", OutboxStatus.PENDING.name()),
                Filters.gt("attempts", 0)));
        long delivered = outbox.countDocuments(Filters.eq("status", OutboxStatus.DELIVERED.name()));
        long dead = outbox.countDocuments(Filters.eq("status", OutboxStatus.DEAD.name()));
        return new OutboxCounts(pending, retrying, delivered, dead);
    }

    private static OutboxEntry entry(Document d) {
        return new OutboxEntry(((Number) d.get("_id")).longValue(), d.getString("runId"),
                EnvelopeJson.parse(d.getString("envelope")), OutboxStatus.valueOf(d.getString("status")),
                ((Number) d.get("attempts")).intValue(), Instant.ofEpochMilli(((Number) d.get("nextAttemptAt")).longValue()),
                d.getString("lastError"));
    }
}
