package io.verdict.scheduler.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.verdict.scheduler.schedules.TickDecision;
import io.verdict.scheduler.schedules.TickLedger;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.verdict.scheduler.mongo.Fields.*;

/**
 * Cron tick decisions ({@code tickDecisions}, unique on tenant, schedule and fire time) and per-schedule
 * cursors ({@code tickCursors}, unique on tenant and schedule). The unique key makes "first decision for a fire
 * time wins" hold across instances; replace and remove are compare-and-set on every field of the expected
 * decision; the cursor moves with {@code $max}, so it never goes back.
 */
public final class MongoTickLedger implements TickLedger {
    private final MongoCollection<Document> decisions;
    private final MongoCollection<Document> cursors;

    public MongoTickLedger(MongoDatabase db) {
        this.decisions = db.getCollection(CollectionNames.TICK_DECISIONS);
        this.cursors = db.getCollection(CollectionNames.TICK_CURSORS);
    }

    @Override
    public boolean record(TickDecision decision) {
        try {
            decisions.insertOne(toDocument(decision));
            return true;
        } catch (MongoException e) {
            if (DuplicateKeys.is(e)) return false;
            throw e;
        }
    }

    /** One unordered insert: the fire times already decided fail on the unique key, the others are stored. */
    @Override
    public List<TickDecision> recordAll(List<TickDecision> batch) {
        if (batch.isEmpty()) return List.of();
        List<Document> docs = new ArrayList<>(batch.size());
        for (TickDecision d : batch) docs.add(toDocument(d));
        Set<Integer> refused = new HashSet<>();
        try {
            decisions.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError err : e.getWriteErrors()) {
                if (err.getCode() != DuplicateKeys.CODE) throw e;
                refused.add(err.getIndex());
            }
        }
        List<TickDecision> stored = new ArrayList<>(batch.size() - refused.size());
        for (int i = 0; i < batch.size(); i++) if (!refused.contains(i)) stored.add(batch.get(i));
        return stored;
    }

    @Override
    public boolean replace(TickDecision expected, TickDecision next) {
        if (!expected.tenantId().equals(next.tenantId()) || !expected.scheduleId().equals(next.scheduleId())
                || !expected.fireTime().equals(next.fireTime())) {
            throw new IllegalArgumentException("replace must keep the decision's key");
        }
        return decisions.replaceOne(exactly(expected), toDocument(next)).getModifiedCount() == 1;
    }

    @Override
    public boolean remove(TickDecision expected) {
        return decisions.deleteOne(exactly(expected)).getDeletedCount() == 1;
    }

    @Override
    public Optional<TickDecision> find(String tenantId, String scheduleId, Instant fireTime) {
        Document d = decisions.find(Filters.and(schedule(tenantId, scheduleId), Filters.eq("fireTime", Date.from(fireTime))))
                .first();
        return Optional.ofNullable(d).map(MongoTickLedger::fromDocument);
    }

    @Override
    public List<TickDecision> list(String tenantId, String scheduleId, Instant before, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        Bson query = before == null ? schedule(tenantId, scheduleId)
                : Filters.and(schedule(tenantId, scheduleId), Filters.lt("fireTime", Date.from(before)));
        List<TickDecision> out = new ArrayList<>();
        for (Document d : decisions.find(query).sort(Sorts.descending("fireTime")).limit(limit)) out.add(fromDocument(d));
        return out;
    }

    @Override
    public Optional<Instant> lastFireTime(String tenantId, String scheduleId) {
        Document d = cursors.find(schedule(tenantId, scheduleId)).first();
        return d == null ? Optional.empty() : Optional.ofNullable(instant(d, "lastFireTime"));
    }

    @Override
    public void advance(String tenantId, String scheduleId, Instant fireTime) {
        Bson update = Updates.max("lastFireTime", Date.from(fireTime));
        try {
            cursors.updateOne(schedule(tenantId, scheduleId), update, new UpdateOptions().upsert(true));
        } catch (MongoException e) {
            if (!DuplicateKeys.is(e)) throw e;
            cursors.updateOne(schedule(tenantId, scheduleId), update); // lost the race to create it: now it exists
        }
    }

    private static Bson schedule(String tenantId, String scheduleId) {
        return Filters.and(Filters.eq("tenantId", tenantId), Filters.eq("scheduleId", scheduleId));
    }

    /** Matches the stored decision only if every field equals {@code d}'s (a missing field matches null). */
    private static Bson exactly(TickDecision d) {
        return Filters.and(schedule(d.tenantId(), d.scheduleId()), Filters.eq("fireTime", Date.from(d.fireTime())),
                Filters.eq("outcome", d.outcome().wire()), Filters.eq("reason", d.reason()),
                Filters.eq("runId", d.runId()), Filters.eq("detail", d.detail()),
                Filters.eq("decidedAt", Date.from(d.decidedAt())), Filters.eq("decidedBy", d.decidedBy()));
    }

    private static Document toDocument(TickDecision d) {
        Document doc = new Document("tenantId", d.tenantId()).append("scheduleId", d.scheduleId());
        putDate(doc, "fireTime", d.fireTime());
        doc.append("outcome", d.outcome().wire());
        put(doc, "reason", d.reason());
        put(doc, "runId", d.runId());
        put(doc, "detail", d.detail());
        putDate(doc, "decidedAt", d.decidedAt());
        return put(doc, "decidedBy", d.decidedBy());
    }

    private static TickDecision fromDocument(Document d) {
        return new TickDecision(requiredString(d, "tenantId"), requiredString(d, "scheduleId"), instant(d, "fireTime"),
                TickDecision.Outcome.fromWire(requiredString(d, "outcome")), string(d, "reason"), string(d, "runId"),
                string(d, "detail"), instant(d, "decidedAt"), string(d, "decidedBy"));
    }
}
