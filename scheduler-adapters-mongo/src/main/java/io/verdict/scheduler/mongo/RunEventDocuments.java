package io.verdict.scheduler.mongo;

import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.events.RunEventRecord;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.SegmentState;
import org.bson.Document;

import static io.verdict.scheduler.mongo.Fields.*;

/** RunEventRecord ⇄ document: envelope fields plus the event under {@code event}, tagged by its {@code kind}. */
final class RunEventDocuments {
    private RunEventDocuments() {}

    static Document toDocument(RunEventRecord r) {
        Document d = new Document("runId", r.runId()).append("seq", r.seq());
        put(d, "tenantId", r.tenantId());
        putDate(d, "occurredAt", r.occurredAt());
        return d.append("event", event(r.event()));
    }

    static RunEventRecord fromDocument(Document d) {
        return new RunEventRecord(string(d, "tenantId"), requiredString(d, "runId"), longValue(d, "seq"),
                instant(d, "occurredAt"), event(document(d, "event")));
    }

    private static Document event(RunEvent e) {
        Document d = new Document("kind", e.kind());
        switch (e) {
            case RunEvent.StateChanged s -> {
                put(d, "state", s.state() == null ? null : s.state().wire());
                put(d, "errorCode", s.errorCode() == null ? null : s.errorCode().name());
            }
            case RunEvent.SegmentProgress p -> {
                d.append("index", p.index());
                put(d, "state", p.state() == null ? null : p.state().wire());
                d.append("attempt", p.attempt()).append("processed", p.processed()).append("total", p.total())
                        .append("runProcessed", p.runProcessed()).append("runTotal", p.runTotal());
                put(d, "workerId", p.workerId());
            }
            case RunEvent.DeltaReported r -> put(d, "delta", r.delta() == null ? null : DeltaDocuments.toDocument(r.delta()));
            case RunEvent.Log l -> {
                put(d, "level", l.level());
                put(d, "message", l.message());
                put(d, "correlationId", l.correlationId());
            }
        }
        return d;
    }

    private static RunEvent event(Document d) {
        String kind = requiredString(d, "kind");
        return switch (kind) {
            case "stateChanged" -> {
                String state = string(d, "state");
                String code = string(d, "errorCode");
                yield new RunEvent.StateChanged(state == null ? null : RunState.fromWire(state),
                        code == null ? null : ErrorCode.valueOf(code));
            }
            case "segmentProgress" -> {
                String state = string(d, "state");
                yield new RunEvent.SegmentProgress(integer(d, "index"), state == null ? null : SegmentState.fromWire(state),
                        integer(d, "attempt"), integer(d, "processed"), integer(d, "total"), integer(d, "runProcessed"),
                        integer(d, "runTotal"), string(d, "workerId"));
            }
            case "deltaSummary" -> {
                Document delta = document(d, "delta");
                yield new RunEvent.DeltaReported(delta == null ? null : DeltaDocuments.fromDocument(delta));
            }
            case "log" -> new RunEvent.Log(string(d, "level"), string(d, "message"), string(d, "correlationId"));
            default -> throw new IllegalStateException("unknown run event kind " + kind);
        };
    }
}
