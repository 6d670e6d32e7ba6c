package io.verdict.scheduler.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.verdict.scheduler.progress.Backlog;
import io.verdict.scheduler.progress.ProgressChange;
import io.verdict.scheduler.progress.ProgressStore;
import io.verdict.scheduler.progress.RunCounters;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SegmentState;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.verdict.scheduler.mongo.Fields.integer;
import static io.verdict.scheduler.mongo.Fields.string;

/**
 * The execution read model in the {@code runProgress} collection, one document per run:
 * {@code segs} (segments per state), {@code pendingSegments}, {@code pendingTargets}, {@code cancelledTargets},
 * {@code done} (outcomes of terminal segments), {@code inflight.s<index>} (what a running segment's holder
 * reported so far) and {@code tokens.s<index>} (the current attempt's fencing token). A segment transition is one
 * atomic {@code $inc}/{@code $set}/{@code $unset} on the run's document; an in-flight report is one
 * {@code findOneAndUpdate} guarded by the token, whose answer carries the run's state back to the worker.
 * The backlog is one query over the documents of unfinished runs (indexed by {@code state}).
 */
public final class MongoProgressStore implements ProgressStore {
    private static final List<String> ACTIVE = List.of(RunState.PLANNING.name(), RunState.QUEUED.name(),
            RunState.RUNNING.name());
    private static final String[] OUTCOME_FIELDS = {"completed", "failed", "deltas", "newCriticals", "newHigh",
            "newMedium", "newLow", "resolved", "quieted", "kevHits"};

    private final MongoCollection<Document> progress;

    public MongoProgressStore(MongoDatabase db) {
        this.progress = db.getCollection(CollectionNames.RUN_PROGRESS);
    }

    @Override
    public void planned(Run run, List<Segment> segments) {
        try {
            progress.insertOne(toDocument(RunCounters.derive(run, segments)));
        } catch (MongoException e) {
            if (!DuplicateKeys.is(e)) throw e; // planned before: counters already open
        }
    }

    @Override
    public void apply(ProgressChange c) {
        List<Bson> updates = new ArrayList<>();
        if (c.from() != c.to()) {
            updates.add(Updates.inc("segs." + c.from().name(), -1));
            updates.add(Updates.inc("segs." + c.to().name(), 1));
        }
        if (c.pendingSegments() != 0) updates.add(Updates.inc("pendingSegments", c.pendingSegments()));
        if (c.pendingTargets() != 0) updates.add(Updates.inc("pendingTargets", c.pendingTargets()));
        if (c.cancelledTargets() != 0) updates.add(Updates.inc("cancelledTargets", c.cancelledTargets()));
        long[] add = values(c.add());
        long[] remove = values(c.remove());
        for (int i = 0; i < OUTCOME_FIELDS.length; i++) {
            long net = add[i] - remove[i];
            if (net != 0) updates.add(Updates.inc("done." + OUTCOME_FIELDS[i], net));
        }
        String key = "s" + c.index();
        updates.add(Updates.unset("inflight." + key));
        updates.add(Updates.set("tokens." + key, c.attemptToken()));
        progress.updateOne(Filters.eq("_id", c.runId()), Updates.combine(updates));
    }

    @Override
    public Optional<RunCounters> reportInFlight(String runId, int index, long fencingToken, SegmentOutcome soFar) {
        String token = "tokens.s" + index;
        Bson current = Filters.and(Filters.eq("_id", runId),
                Filters.or(Filters.exists(token, false), Filters.lte(token, fencingToken)));
        Document after = progress.findOneAndUpdate(current,
                Updates.combine(Updates.set("inflight.s" + index, SegmentDocuments.outcome(soFar)),
                        Updates.set(token, fencingToken)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        return Optional.ofNullable(after).map(MongoProgressStore::fromDocument);
    }

    @Override
    public void runState(String runId, RunState state) {
        progress.updateOne(Filters.eq("_id", runId), Updates.set("state", state.name()));
    }

    @Override
    public Optional<RunCounters> find(String runId) {
        return Optional.ofNullable(progress.find(Filters.eq("_id", runId)).first()).map(MongoProgressStore::fromDocument);
    }

    @Override
    public Map<String, RunCounters> findAll(Collection<String> runIds) {
        Map<String, RunCounters> byId = new LinkedHashMap<>();
        if (runIds.isEmpty()) return byId;
        for (Document d : progress.find(Filters.in("_id", List.copyOf(runIds)))) {
            RunCounters c = fromDocument(d);
            byId.put(c.runId(), c);
        }
        Map<String, RunCounters> out = new LinkedHashMap<>();
        for (String id : runIds) if (byId.containsKey(id)) out.put(id, byId.get(id));
        return out;
    }

    @Override
    public List<Backlog> backlog() {
        Map<List<String>, long[]> groups = new TreeMap<>((a, b) -> {
            for (int i = 0; i < 3; i++) {
                int c = a.get(i).compareTo(b.get(i));
                if (c != 0) return c;
            }
            return 0;
        });
        for (Document d : progress.find(Filters.in("state", ACTIVE)).projection(new Document("inflight", 0)
                .append("tokens", 0).append("done", 0).append("segs", 0))) {
            String schedule = string(d, "scheduleId");
            long[] g = groups.computeIfAbsent(List.of(string(d, "tenantId"), schedule == null ? "" : schedule,
                    string(d, "mode")), k -> new long[5]);
            switch (RunState.valueOf(string(d, "state"))) {
                case PLANNING -> g[0]++;
                case QUEUED -> g[1]++;
                default -> g[2]++;
            }
            g[3] += Math.max(0, integer(d, "pendingSegments"));
            g[4] += Math.max(0, integer(d, "pendingTargets"));
        }
        List<Backlog> out = new ArrayList<>();
        groups.forEach((k, g) -> out.add(new Backlog(k.get(0), k.get(1).isEmpty() ? null : k.get(1),
                Mode.valueOf(k.get(2)), (int) g[0], (int) g[1], (int) g[2], g[3], g[4])));
        return out;
    }

    @Override
    public void rebuild(Run run, List<Segment> segments) {
        Document fresh = toDocument(RunCounters.derive(run, segments));
        fresh.remove("_id");
        // Attempt tokens stay: a holder that lost its segment must remain refused after the repair.
        progress.updateOne(Filters.eq("_id", run.id()),
                Updates.combine(new Document("$set", fresh), Updates.unset("inflight")),
                new UpdateOptions().upsert(true));
    }

    private static Document toDocument(RunCounters c) {
        Document segs = new Document();
        for (SegmentState s : SegmentState.values()) segs.append(s.name(), c.segments(s));
        Document d = new Document("_id", c.runId()).append("tenantId", c.tenantId());
        Fields.put(d, "scheduleId", c.scheduleId());
        return d.append("mode", c.mode().name()).append("state", c.state().name()).append("segs", segs)
                .append("pendingSegments", c.pendingSegments()).append("pendingTargets", c.pendingTargets())
                .append("cancelledTargets", c.cancelledTargets()).append("done", SegmentDocuments.outcome(c.done()));
    }

    private static RunCounters fromDocument(Document d) {
        Map<SegmentState, Integer> segs = new EnumMap<>(SegmentState.class);
        Document s = d.get("segs", Document.class);
        if (s != null) for (SegmentState st : SegmentState.values()) segs.put(st, integer(s, st.name()));
        SegmentOutcome inFlight = SegmentOutcome.NONE;
        Document flying = d.get("inflight", Document.class);
        if (flying != null) {
            for (Object o : flying.values()) if (o instanceof Document od) inFlight = inFlight.plus(SegmentDocuments.outcome(od));
        }
        return new RunCounters(string(d, "_id"), string(d, "tenantId"), string(d, "scheduleId"),
                Mode.valueOf(string(d, "mode")), RunState.valueOf(string(d, "state")), segs,
                integer(d, "pendingSegments"), integer(d, "pendingTargets"), integer(d, "cancelledTargets"),
                SegmentDocuments.outcome(d.get("done", Document.class)), inFlight);
    }

    private static long[] values(SegmentOutcome o) {
        var s = o.severity();
        return new long[]{o.completed(), o.failed(), o.deltas(), s.newCriticals(), s.newHigh(), s.newMedium(),
                s.newLow(), s.resolved(), s.quieted(), s.kevHits()};
    }
}
