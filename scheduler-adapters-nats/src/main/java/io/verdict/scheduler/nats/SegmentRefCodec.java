package io.verdict.scheduler.nats;

import io.verdict.scheduler.events.codec.JsonFields;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.queue.SegmentRef;

import java.util.HashMap;
import java.util.Map;

/** The queue payload: a {@link SegmentRef} as canonical JSON ({@code index}, {@code runId}, {@code scheduleId}?, {@code tenantId}). */
final class SegmentRefCodec {
    private SegmentRefCodec() {}

    static String write(SegmentRef ref) {
        Map<String, Object> m = new HashMap<>();
        m.put("tenantId", ref.tenantId());
        m.put("runId", ref.runId());
        m.put("index", ref.index());
        m.put("scheduleId", ref.scheduleId());
        return CanonicalJson.write(m);
    }

    static SegmentRef read(String json) {
        JsonFields f = JsonFields.parse(json, "segment payload");
        return new SegmentRef(f.string("tenantId"), f.string("runId"), f.integer("index"), f.optString("scheduleId"));
    }
}
