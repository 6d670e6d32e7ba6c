package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.result.UpdateResult;
import io.verdict.scheduler.errors.ConcurrentUpdateException;
import io.verdict.scheduler.runs.Page;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunCursor;
import io.verdict.scheduler.runs.RunFilter;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.RunStore;
import io.verdict.scheduler.runs.Trigger;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Runs in the {@code runs} collection, {@code _id} = run ID. Every change is a replace filtered on
 * {@code _id} and the previous version, so a lost race changes nothing and surfaces as
 * {@link ConcurrentUpdateException}. Listings sort on (createdAt desc, _id desc) and continue after the cursor
 * position with a range predicate, never with skip, so a page costs the same at any depth.
 */
public final class MongoRunStore implements RunStore {
    private static final List<String> ACTIVE_STATES = Arrays.stream(RunState.values())
            .filter(s -> !s.isTerminal()).map(RunState::wire).toList();

    /** Envelopes a unit of work wrote together with the run, until they are copied to the outbox. */
    static final String OUTBOX_PENDING = "outboxPending";

    private final MongoCollection<Document> runs;
    private final MongoUnitOfWork work;
    private final MongoOutboxStore relay;

    public MongoRunStore(MongoDatabase db) {
        this(db, null, null);
    }

    /** A run store whose writes inside {@code work}'s blocks carry the block's envelopes ({@link MongoUnitOfWork}). */
    MongoRunStore(MongoDatabase db, MongoUnitOfWork work, MongoOutboxStore relay) {
        this.runs = db.getCollection(CollectionNames.RUNS);
        this.work = work;
        this.relay = relay;
    }

    @Override
    public void insert(Run run) {
        try {
            runs.insertOne(RunDocuments.toDocument(run));
        } catch (MongoException e) {
            if (DuplicateKeys.is(e)) throw new ConcurrentUpdateException("run " + run.id() + " exists");
            throw e;
        }
    }

    @Override
    public Optional<Run> find(String runId) {
        Document d = runs.find(Filters.eq("_id", runId)).first();
        return Optional.ofNullable(d).map(RunDocuments::fromDocument);
    }

    /** Inside a unit of work the write is held back to the end of the block (see {@link MongoUnitOfWork}). */
    @Override
    public Run update(Run updated) {
        if (work != null && work.defer(updated)) return updated;
        write(updated, updated.version() - 1, List.of());
        return updated;
    }

    /**
     * The version-checked replace, carrying {@code envelopes} in {@link #OUTBOX_PENDING}. A document still carrying
     * envelopes of an earlier writer (which died before copying them) is relayed first, so a replace never drops
     * them and they stay ahead of ours in the outbox.
     */
    void write(Run updated, long expectedVersion, List<MongoUnitOfWork.Staged> envelopes) {
        Document doc = RunDocuments.toDocument(updated);
        if (!envelopes.isEmpty()) {
            List<Document> pending = new ArrayList<>(envelopes.size());
            for (MongoUnitOfWork.Staged e : envelopes) pending.add(MongoOutboxStore.pendingDocument(updated.id(), e));
            doc.append(OUTBOX_PENDING, pending);
        }
        Bson filter = Filters.and(Filters.eq("_id", updated.id()), Filters.eq("version", expectedVersion),
                Filters.exists(OUTBOX_PENDING, false));
        UpdateResult r = runs.replaceOne(filter, doc);
        if (r.getMatchedCount() == 0 && relay != null && relay.relayRun(updated.id()) > 0) {
            r = runs.replaceOne(filter, doc);
        }
        if (r.getMatchedCount() == 0) throw new ConcurrentUpdateException("run " + updated.id());
    }

    @Override
    public Page<Run> list(RunFilter filter, String cursor, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        List<Bson> clauses = new ArrayList<>(filterClauses(filter));
        if (cursor != null) {
            RunCursor after = RunCursor.decode(cursor);
            Date at = Date.from(after.createdAt());
            clauses.add(Filters.or(Filters.lt("createdAt", at),
                    Filters.and(Filters.eq("createdAt", at), Filters.lt("_id", after.id()))));
        }
        Bson query = clauses.isEmpty() ? new Document() : Filters.and(clauses);
        List<Run> items = new ArrayList<>(limit + 1);
        // One extra row tells whether another page exists, so the last page never carries a dead-end cursor.
        for (Document d : runs.find(query).sort(Sorts.descending("createdAt", "_id")).limit(limit + 1)) {
            items.add(RunDocuments.fromDocument(d));
        }
        if (items.size() <= limit) return new Page<>(items, null);
        List<Run> page = items.subList(0, limit);
        return new Page<>(page, RunCursor.of(page.get(limit - 1)).encode());
    }

    static List<Bson> filterClauses(RunFilter f) {
        List<Bson> out = new ArrayList<>();
        if (!f.tenantIds().isEmpty()) out.add(Filters.in("tenantId", f.tenantIds()));
        if (!f.triggers().isEmpty()) out.add(Filters.in("trigger", f.triggers().stream().map(Trigger::wire).toList()));
        if (!f.states().isEmpty()) out.add(Filters.in("state", f.states().stream().map(RunState::wire).toList()));
        if (f.scheduleId() != null) out.add(Filters.eq("scheduleId", f.scheduleId()));
        if (f.from() != null) out.add(Filters.gte("createdAt", Date.from(f.from())));
        if (f.to() != null) out.add(Filters.lt("createdAt", Date.from(f.to())));
        if (f.errorCode() != null) out.add(Filters.eq("error.code", f.errorCode().name()));
        if (f.policyRevision() != null) out.add(Filters.eq("reason.policyRevision", f.policyRevision()));
        return out;
    }

    @Override
    public List<Run> active() {
        List<Run> out = new ArrayList<>();
        for (Document d : runs.find(Filters.in("state", ACTIVE_STATES)).sort(Sorts.ascending("createdAt", "_id"))) {
            out.add(RunDocuments.fromDocument(d));
        }
        return out;
    }
}
