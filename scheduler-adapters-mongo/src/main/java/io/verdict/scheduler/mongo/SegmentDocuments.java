package io.verdict.scheduler.mongo;

import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.SegmentState;
import org.bson.Document;

import static io.verdict.scheduler.mongo.Fields.*;

/** Segment ⇄ document; (runId, index) is the natural key, held unique by an index. */
final class SegmentDocuments {
    private SegmentDocuments() {}

    static Document toDocument(Segment s) {
        Document d = new Document("runId", s.runId()).append("index", s.index());
        put(d, "tenantId", s.tenantId());
        put(d, "scheduleId", s.scheduleId());
        d.append("digests", s.digests()).append("state", s.state().wire()).append("attempt", s.attempt());
        putDate(d, "nextAttemptAt", s.nextAttemptAt());
        put(d, "leaseOwner", s.leaseOwner());
        putDate(d, "leaseExpiresAt", s.leaseExpiresAt());
        d.append("fencingToken", s.fencingToken()).append("outcome", outcome(s.outcome()));
        put(d, "error", RunDocuments.error(s.error()));
        putDate(d, "updatedAt", s.updatedAt());
        return d.append("version", s.version());
    }

    static Segment fromDocument(Document d) {
        return new Segment(requiredString(d, "runId"), integer(d, "index"), string(d, "tenantId"),
                string(d, "scheduleId"), strings(d, "digests"), SegmentState.fromWire(requiredString(d, "state")),
                integer(d, "attempt"), instant(d, "nextAttemptAt"), string(d, "leaseOwner"),
                instant(d, "leaseExpiresAt"), longValue(d, "fencingToken"), outcome(document(d, "outcome")),
                RunDocuments.error(document(d, "error")), instant(d, "updatedAt"), longValue(d, "version"));
    }

    static Document outcome(SegmentOutcome o) {
        return new Document("completed", o.completed()).append("failed", o.failed()).append("deltas", o.deltas())
                .append("newCriticals", o.severity().newCriticals()).append("newHigh", o.severity().newHigh())
                .append("newMedium", o.severity().newMedium()).append("newLow", o.severity().newLow())
                .append("resolved", o.severity().resolved()).append("quieted", o.severity().quieted())
                .append("kevHits", o.severity().kevHits());
    }

    static SegmentOutcome outcome(Document d) {
        if (d == null) return SegmentOutcome.NONE;
        // Counters kept with $inc are clamped at zero on the way out: a drifted counter must not break reads.
        return new SegmentOutcome(Math.max(0, integer(d, "completed")), Math.max(0, integer(d, "failed")),
                Math.max(0, integer(d, "deltas")), severity(d));
    }

    /** The seven severity counters under their wire names (kevHits may be a list of IDs, as on deltas). */
    static SeverityCounts severity(Document d) {
        Object kev = d.get("kevHits");
        int kevHits = kev instanceof java.util.List<?> l ? l.size() : integer(d, "kevHits");
        return new SeverityCounts(Math.max(0, integer(d, "newCriticals")), Math.max(0, integer(d, "newHigh")),
                Math.max(0, integer(d, "newMedium")), Math.max(0, integer(d, "newLow")),
                Math.max(0, integer(d, "resolved")), Math.max(0, integer(d, "quieted")), Math.max(0, kevHits));
    }
}
