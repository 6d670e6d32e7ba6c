package io.verdict.scheduler.audit;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The one writer of audit records: every use case that changes something records it here, so "who did what"
 * has one shape (lower-case metadata keys, the clock of the scheduler, a correlation ID always present).
 */
public final class AuditTrail {
    private final AuditLog log;
    private final Clock clock;

    public AuditTrail(AuditLog log, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void record(String tenantId, String actor, String action, String target, String correlationId,
                       Map<String, String> metadata) {
        log.append(new AuditRecord(tenantId, actor, action, target, clock.instant(),
                correlationId == null ? UUID.randomUUID().toString() : correlationId, metadata));
    }
}
