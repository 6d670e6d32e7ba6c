package io.verdict.scheduler.audit;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Who did what to which target, when, under which correlation ID. Metadata keys are lower-case. */
public record AuditRecord(String tenantId, String actor, String action, String target, Instant occurredAt,
                          String correlationId, Map<String, String> metadata) {
    public AuditRecord {
        TreeMap<String, String> m = new TreeMap<>();
        if (metadata != null) metadata.forEach((k, v) -> m.put(k.toLowerCase(java.util.Locale.ROOT), v));
        metadata = java.util.Collections.unmodifiableMap(m);
    }
}
