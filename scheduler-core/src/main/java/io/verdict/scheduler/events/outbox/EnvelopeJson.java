package io.verdict.scheduler.events.outbox;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.canonical.JsonReader;
import io.verdict.scheduler.events.EventEnvelope;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire and storage form of an envelope (SPEC §6): a canonical JSON object with the eight envelope fields.
 * Stores keep this text, sinks send it, so what a receiver gets is byte-identical on every redelivery.
 */
public final class EnvelopeJson {
    private EnvelopeJson() {}

    public static Map<String, Object> toMap(EventEnvelope e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", e.eventId());
        m.put("kind", e.kind());
        m.put("version", e.version());
        m.put("tenant", e.tenant());
        m.put("occurredAt", e.occurredAt());
        m.put("correlationId", e.correlationId());
        m.put("idempotencyKey", e.idempotencyKey());
        m.put("payload", e.payload());
        return m;
    }

    public static String write(EventEnvelope e) {
        return CanonicalJson.write(toMap(e));
    }

    @SuppressWarnings("unchecked")
    public static EventEnvelope parse(String json) {
        if (!(JsonReader.parse(json) instanceof Map<?, ?> raw)) throw new IllegalArgumentException("envelope is not a JSON object");
        Map<String, Object> m = (Map<String, Object>) raw;
        Object payload = m.get("payload");
        return new EventEnvelope((String) m.get("eventId"), (String) m.get("kind"), ((Number) m.get("version")).intValue(),
                (String) m.get("tenant"), Instant.parse((String) m.get("occurredAt")), (String) m.get("correlationId"),
                (String) m.get("idempotencyKey"), payload == null ? Map.of() : (Map<String, Object>) payload);
    }
}
