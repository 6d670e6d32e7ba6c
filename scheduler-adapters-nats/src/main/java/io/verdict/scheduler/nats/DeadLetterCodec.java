package io.verdict.scheduler.nats;

import io.verdict.scheduler.events.codec.JsonFields;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.queue.DeadLetter;
import io.verdict.scheduler.queue.SegmentRef;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A dead letter on {@code <ns>.dead.<queue>.<tenant>}: canonical JSON with {@code runId}, {@code index},
 * {@code scheduleId}?, {@code tenantId}, {@code reason}, {@code deliveries} and {@code at}, readable by any NATS tool.
 */
final class DeadLetterCodec {
    private DeadLetterCodec() {}

    static byte[] write(DeadLetter d) {
        Map<String, Object> m = new HashMap<>();
        m.put("tenantId", d.ref().tenantId());
        m.put("runId", d.ref().runId());
        m.put("index", d.ref().index());
        m.put("scheduleId", d.ref().scheduleId());
        m.put("reason", d.reason());
        m.put("deliveries", d.deliveries());
        m.put("at", d.at().toString());
        return CanonicalJson.write(m).getBytes(StandardCharsets.UTF_8);
    }

    static DeadLetter read(byte[] bytes) {
        JsonFields f = JsonFields.parse(new String(bytes, StandardCharsets.UTF_8), "dead letter");
        return new DeadLetter(new SegmentRef(f.string("tenantId"), f.string("runId"), f.integer("index"),
                f.optString("scheduleId")), f.string("reason"), f.integer("deliveries"), Instant.parse(f.string("at")));
    }
}
