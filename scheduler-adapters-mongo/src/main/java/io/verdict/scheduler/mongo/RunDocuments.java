package io.verdict.scheduler.mongo;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.PlanInputsJson;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.RunError;
import io.verdict.scheduler.runs.RunReason;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.Trigger;
import org.bson.Document;

import static io.verdict.scheduler.mongo.Fields.*;

/** Run ⇄ document. The run ID is the document {@code _id}; enums are stored by their wire names. */
final class RunDocuments {
    private RunDocuments() {}

    static Document toDocument(Run r) {
        Document d = new Document("_id", r.id()).append("tenantId", r.tenantId());
        put(d, "scheduleId", r.scheduleId());
        d.append("trigger", r.trigger().wire()).append("mode", r.mode().wire()).append("state", r.state().wire());
        put(d, "reason", reason(r.reason()));
        putDate(d, "createdAt", r.createdAt());
        putDate(d, "startedAt", r.startedAt());
        putDate(d, "finishedAt", r.finishedAt());
        put(d, "error", error(r.error()));
        put(d, "retryOf", r.retryOf());
        put(d, "planDigest", r.planDigest());
        // Plain JSON values (strings, numbers, lists, maps) so the stored inputs read back exactly as recorded.
        if (r.planInputs() != null) d.append("planInputs", new Document(PlanInputsJson.toMap(r.planInputs())));
        return d.append("shardCount", r.shardCount()).append("candidates", r.candidates())
                .append("deduped", r.deduped()).append("version", r.version());
    }

    static Run fromDocument(Document d) {
        String id = requiredString(d, "_id");
        return new Run(id, requiredString(d, "tenantId"), string(d, "scheduleId"),
                Trigger.fromWire(requiredString(d, "trigger"))
                        .orElseThrow(() -> new IllegalStateException("run " + id + " has an unknown trigger")),
                Mode.fromWire(requiredString(d, "mode"))
                        .orElseThrow(() -> new IllegalStateException("run " + id + " has an unknown mode")),
                RunState.fromWire(requiredString(d, "state")), reason(document(d, "reason")),
                instant(d, "createdAt"), instant(d, "startedAt"), instant(d, "finishedAt"), error(document(d, "error")),
                string(d, "retryOf"), string(d, "planDigest"), integer(d, "shardCount"), integer(d, "candidates"),
                integer(d, "deduped"), longValue(d, "version"),
                document(d, "planInputs") == null ? null : PlanInputsJson.fromMap(document(d, "planInputs")));
    }

    static Document error(RunError e) {
        if (e == null) return null;
        Document d = new Document();
        put(d, "code", e.code() == null ? null : e.code().name());
        return put(d, "message", e.message());
    }

    static RunError error(Document d) {
        if (d == null) return null;
        String code = string(d, "code");
        return new RunError(code == null ? null : ErrorCode.valueOf(code), string(d, "message"));
    }

    private static Document reason(RunReason r) {
        if (r == null) return null;
        Document d = new Document();
        put(d, "manualReason", r.manualReason());
        put(d, "concelierExportId", r.concelierExportId());
        put(d, "excititorExportId", r.excititorExportId());
        put(d, "cursor", r.cursor());
        put(d, "impactWindowFrom", r.impactWindowFrom());
        put(d, "impactWindowTo", r.impactWindowTo());
        put(d, "policyRevision", r.policyRevision());
        return put(d, "correlationId", r.correlationId());
    }

    private static RunReason reason(Document d) {
        if (d == null) return null;
        return new RunReason(string(d, "manualReason"), string(d, "concelierExportId"), string(d, "excititorExportId"),
                string(d, "cursor"), string(d, "impactWindowFrom"), string(d, "impactWindowTo"),
                string(d, "policyRevision"), string(d, "correlationId"));
    }
}
