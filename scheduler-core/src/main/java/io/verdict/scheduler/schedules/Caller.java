package io.verdict.scheduler.schedules;

import java.util.Objects;

/**
 * Who asks for a schedule change: the tenant every read and write is confined to, the actor recorded in the audit
 * log, and the request's correlation id (generated when null).
 */
public record Caller(String tenantId, String actor, String correlationId) {
    public Caller {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(actor, "actor");
    }
}
