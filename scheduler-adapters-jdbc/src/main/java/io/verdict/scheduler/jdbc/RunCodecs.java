package io.verdict.scheduler.jdbc;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.PlanInputsJson;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Segment;
import io.verdict.scheduler.runs.SegmentOutcome;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.TopFinding;
import io.verdict.scheduler.runs.Trigger;

import java.util.ArrayList;
import java.util.List;

/** Run, segment, delta and run event ⇄ JSON document. Enums are stored by their wire names, as in the API. */
final class RunCodecs {
    private RunCodecs() {}

    static Doc run(Run r) {
        return Doc.create().put("id", r.id()).put("tenantId", r.tenantId()).put("scheduleId", r.scheduleId())
                .put("trigger", r.trigger().wire()).put("mode", r.mode().wire()).put("state", r.state().wire())
                .put("reason", reason(r.reason())).put("createdAt", r.createdAt()).put("startedAt", r.startedAt())
                .put("finishedAt", r.finishedAt()).put("error", error(r.error())).put("retryOf", r.retryOf())
                .put("planDigest", r.planDigest()).put("shardCount", r.shardCount())
                .put("candidates", r.candidates()).put("deduped", r.deduped()).put("version", r.version())
                .put("planInputs", r.planInputs() == null ? null : PlanInputsJson.toMap(r.planInputs()));
    }

    static Run run(Doc d) {
        String id = d.required("id");
        return new Run(id, d.required("tenantId"), d.string("scheduleId"),
                Trigger.fromWire(d.required("trigger"))
                        .orElseThrow(() -> new IllegalStateException("run " + id + " has an unknown trigger")),
                Mode.fromWire(d.required("mode"))
                        .orElseThrow(() -> new IllegalStateException("run " + id + " has an unknown mode")),
                RunState.fromWire(d.required("state")), reason(d.doc("reason")), d.instant("createdAt"),
                d.instant("startedAt"), d.instant("finishedAt"), error(d.doc("error")), d.string("retryOf"),
                d.string("planDigest"), d.integer("shardCount"), d.integer("candidates"), d.integer("deduped"),
                d.longValue("version"), d.object("planInputs") == null ? null : PlanInputsJson.fromMap(d.object("planInputs")));
    }

    static Doc error(RunError e) {
        if (e == null) return null;
        return Doc.create().put("code", e.code() == null ? null : e.code().name()).put("message", e.message());
    }

    static RunError error(Doc d) {
        if (d == null) return null;
        String code = d.string("code");
        return new RunError(code == null ? null : ErrorCode.valueOf(code), d.string("message"));
    }

    private static Doc reason(RunReason r) {
        if (r == null) return null;
        return Doc.create().put("manualReason", r.manualReason()).put("concelierExportId", r.concelierExportId())
                .put("excititorExportId", r.excititorExportId()).put("cursor", r.cursor())
                .put("impactWindowFrom", r.impactWindowFrom()).put("impactWindowTo", r.impactWindowTo())
                .put("policyRevision", r.policyRevision()).put("correlationId", r.correlationId());
    }

    private static RunReason reason(Doc d) {
        if (d == null) return null;
        return new RunReason(d.string("manualReason"), d.string("concelierExportId"), d.string("excititorExportId"),
                d.string("cursor"), d.string("impactWindowFrom"), d.string("impactWindowTo"),
                d.string("policyRevision"), d.string("correlationId"));
    }

    static Doc segment(Segment s) {
        return Doc.create().put("runId", s.runId()).put("index", s.index()).put("tenantId", s.tenantId())
                .put("scheduleId", s.scheduleId()).put("digests", s.digests()).put("state", s.state().wire())
                .put("attempt", s.attempt()).put("nextAttemptAt", s.nextAttemptAt()).put("leaseOwner", s.leaseOwner())
                .put("leaseExpiresAt", s.leaseExpiresAt()).put("fencingToken", s.fencingToken())
                .put("outcome", outcome(s.outcome())).put("error", error(s.error())).put("updatedAt", s.updatedAt())
                .put("version", s.version());
    }

    static Segment segment(Doc d) {
        return new Segment(d.required("runId"), d.integer("index"), d.string("tenantId"), d.string("scheduleId"),
                d.strings("digests"), SegmentState.fromWire(d.required("state")), d.integer("attempt"),
                d.instant("nextAttemptAt"), d.string("leaseOwner"), d.instant("leaseExpiresAt"),
                d.longValue("fencingToken"), outcome(d.doc("outcome")), error(d.doc("error")), d.instant("updatedAt"),
                d.longValue("version"));
    }

    static Doc outcome(SegmentOutcome o) {
        SeverityCounts c = o.severity();
        return Doc.create().put("completed", o.completed()).put("failed", o.failed()).put("deltas", o.deltas())
                .put("newCriticals", c.newCriticals()).put("newHigh", c.newHigh()).put("newMedium", c.newMedium())
                .put("newLow", c.newLow()).put("resolved", c.resolved()).put("quieted", c.quieted())
                .put("kevHits", c.kevHits());
    }

    static SegmentOutcome outcome(Doc d) {
        if (d == null) return SegmentOutcome.NONE;
        return new SegmentOutcome(d.integer("completed"), d.integer("failed"), d.integer("deltas"), severity(d));
    }

    /** The seven counters as stored flat in a document (the same names as the API's JSON). */
    private static SeverityCounts severity(Doc d) {
        return new SeverityCounts(d.integer("newCriticals"), d.integer("newHigh"), d.integer("newMedium"),
                d.integer("newLow"), d.integer("resolved"), d.integer("quieted"), d.integer("kevHits"));
    }

    static Doc delta(DeltaSummary s) {
        List<Doc> top = new ArrayList<>(s.topFindings().size());
        for (TopFinding f : s.topFindings()) {
            top.add(Doc.create().put("purl", f.purl()).put("vulnerabilityId", f.vulnerabilityId())
                    .put("severity", f.severity() == null ? null : f.severity().wire()).put("kev", f.kev()));
        }
        return Doc.create().put("runId", s.runId()).put("tenantId", s.tenantId()).put("imageDigest", s.imageDigest())
                .put("newFindings", s.newFindings()).put("newCriticals", s.severity().newCriticals())
                .put("newHigh", s.severity().newHigh()).put("newMedium", s.severity().newMedium())
                .put("newLow", s.severity().newLow()).put("resolved", s.severity().resolved())
                .put("quieted", s.severity().quieted()).put("kevHits", s.kevHits()).put("topFindings", top)
                .put("reportUrl", s.reportUrl()).put("detectedAt", s.detectedAt());
    }

    static DeltaSummary delta(Doc d) {
        List<TopFinding> top = new ArrayList<>();
        for (Doc t : d.docs("topFindings")) {
            String severity = t.string("severity");
            top.add(new TopFinding(t.string("purl"), t.string("vulnerabilityId"),
                    severity == null ? null : Severity.fromWire(severity), t.bool("kev")));
        }
        return new DeltaSummary(d.string("runId"), d.string("tenantId"), d.string("imageDigest"),
                d.integer("newFindings"), new SeverityCounts(d.integer("newCriticals"), d.integer("newHigh"),
                        d.integer("newMedium"), d.integer("newLow"), d.integer("resolved"), d.integer("quieted"), 0),
                d.strings("kevHits"), top,
                d.string("reportUrl"), d.instant("detectedAt"));
    }

    static Doc eventRecord(RunEventRecord r) {
        return Doc.create().put("runId", r.runId()).put("seq", r.seq()).put("tenantId", r.tenantId())
                .put("occurredAt", r.occurredAt()).put("event", eventBody(r.event()));
    }

    static RunEventRecord eventRecord(Doc d) {
        return new RunEventRecord(d.string("tenantId"), d.required("runId"), d.longValue("seq"),
                d.instant("occurredAt"), eventBody(d.doc("event")));
    }

    private static Doc eventBody(RunEvent e) {
        Doc d = Doc.create().put("kind", e.kind());
        switch (e) {
            case RunEvent.StateChanged s -> d.put("state", s.state() == null ? null : s.state().wire())
                    .put("errorCode", s.errorCode() == null ? null : s.errorCode().name());
            case RunEvent.SegmentProgress p -> d.put("index", p.index())
                    .put("state", p.state() == null ? null : p.state().wire()).put("attempt", p.attempt())
                    .put("processed", p.processed()).put("total", p.total()).put("runProcessed", p.runProcessed())
                    .put("runTotal", p.runTotal()).put("workerId", p.workerId());
            case RunEvent.DeltaReported r -> d.put("delta", r.delta() == null ? null : delta(r.delta()));
            case RunEvent.Log l -> d.put("level", l.level()).put("message", l.message())
                    .put("correlationId", l.correlationId());
        }
        return d;
    }

    private static RunEvent eventBody(Doc d) {
        String kind = d.required("kind");
        return switch (kind) {
            case "stateChanged" -> {
                String state = d.string("state");
                String code = d.string("errorCode");
                yield new RunEvent.StateChanged(state == null ? null : RunState.fromWire(state),
                        code == null ? null : ErrorCode.valueOf(code));
            }
            case "segmentProgress" -> {
                String state = d.string("state");
                yield new RunEvent.SegmentProgress(d.integer("index"),
                        state == null ? null : SegmentState.fromWire(state), d.integer("attempt"),
                        d.integer("processed"), d.integer("total"), d.integer("runProcessed"), d.integer("runTotal"),
                        d.string("workerId"));
            }
            case "deltaSummary" -> {
                Doc delta = d.doc("delta");
                yield new RunEvent.DeltaReported(delta == null ? null : delta(delta));
            }
            case "log" -> new RunEvent.Log(d.string("level"), d.string("message"), d.string("correlationId"));
            default -> throw new IllegalStateException("unknown run event kind " + kind);
        };
    }
}
