package io.verdict.scheduler.events.codec;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.events.RunEvent;
import io.verdict.scheduler.runs.DeltaSummary;
import io.verdict.scheduler.runs.RunState;
import io.verdict.scheduler.runs.SegmentState;
import io.verdict.scheduler.runs.Severity;
import io.verdict.scheduler.runs.SeverityCounts;
import io.verdict.scheduler.runs.TopFinding;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Run events as canonical JSON, {@code kind} naming the variant; enum values in their wire (lower-case) form. */
public final class RunEventCodec {
    private RunEventCodec() {}

    public static String write(RunEvent event) {
        Map<String, Object> m = new HashMap<>();
        m.put("kind", event.kind());
        switch (event) {
            case RunEvent.StateChanged e -> {
                m.put("state", e.state().wire());
                m.put("errorCode", e.errorCode() == null ? null : e.errorCode().name());
            }
            case RunEvent.SegmentProgress e -> {
                m.put("index", e.index());
                m.put("state", e.state().wire());
                m.put("attempt", e.attempt());
                m.put("processed", e.processed());
                m.put("total", e.total());
                m.put("runProcessed", e.runProcessed());
                m.put("runTotal", e.runTotal());
                m.put("workerId", e.workerId());
            }
            case RunEvent.DeltaReported e -> m.put("delta", delta(e.delta()));
            case RunEvent.Log e -> {
                m.put("level", e.level());
                m.put("message", e.message());
                m.put("correlationId", e.correlationId());
            }
        }
        return CanonicalJson.write(m);
    }

    private static Map<String, Object> delta(DeltaSummary d) {
        Map<String, Object> m = new HashMap<>();
        m.put("runId", d.runId());
        m.put("tenantId", d.tenantId());
        m.put("imageDigest", d.imageDigest());
        m.put("newFindings", d.newFindings());
        m.put("newCriticals", d.severity().newCriticals());
        m.put("newHigh", d.severity().newHigh());
        m.put("newMedium", d.severity().newMedium());
        m.put("newLow", d.severity().newLow());
        m.put("resolved", d.severity().resolved());
        m.put("quieted", d.severity().quieted());
        m.put("kevHits", d.kevHits());
        List<Map<String, Object>> top = new ArrayList<>();
        for (TopFinding f : d.topFindings()) {
            top.add(Map.of("purl", f.purl(), "vulnerabilityId", f.vulnerabilityId(), "severity", f.severity().wire(),
                    "kev", f.kev()));
        }
        m.put("topFindings", top);
        m.put("reportUrl", d.reportUrl());
        m.put("detectedAt", d.detectedAt());
        return m;
    }

    public static RunEvent read(String json) {
        JsonFields f = JsonFields.parse(json, "run event");
        String kind = f.string("kind");
        return switch (kind) {
            case "stateChanged" -> new RunEvent.StateChanged(RunState.fromWire(f.string("state")),
                    f.optString("errorCode") == null ? null : ErrorCode.valueOf(f.optString("errorCode")));
            case "segmentProgress" -> new RunEvent.SegmentProgress(f.integer("index"),
                    SegmentState.fromWire(f.string("state")), f.integer("attempt"), f.integer("processed"),
                    f.integer("total"), f.integer("runProcessed"), f.integer("runTotal"), f.optString("workerId"));
            case "deltaSummary" -> new RunEvent.DeltaReported(delta(f.object("delta")));
            case "log" -> new RunEvent.Log(f.string("level"), f.string("message"), f.optString("correlationId"));
            default -> throw new IllegalArgumentException("run event: unknown kind '" + kind + "'");
        };
    }

    @SuppressWarnings("unchecked")
    private static DeltaSummary delta(JsonFields d) {
        List<String> kev = new ArrayList<>();
        for (Object o : d.list("kevHits")) kev.add((String) o);
        List<TopFinding> top = new ArrayList<>();
        for (Object o : d.list("topFindings")) {
            JsonFields t = new JsonFields((Map<String, Object>) o, "run event.delta.topFindings");
            top.add(new TopFinding(t.string("purl"), t.string("vulnerabilityId"), Severity.fromWire(t.string("severity")),
                    t.bool("kev")));
        }
        return new DeltaSummary(d.string("runId"), d.string("tenantId"), d.string("imageDigest"),
                d.integer("newFindings"), new SeverityCounts(d.integer("newCriticals"), d.integer("newHigh"),
                d.integer("newMedium"), d.integer("newLow"), d.integer("resolved"), d.integer("quieted"), kev.size()),
                kev, top, d.optString("reportUrl"),
                Instant.parse(d.string("detectedAt")));
    }
}
