package io.verdict.scheduler.intake;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An advisory (concelier) or VEX (excititor) delta: the purls it changed, which of them are urgent (KEV or
 * critical), and the export it came from. Intake is idempotent on {@code eventId}.
 */
public record IntakeEvent(String eventId, Source source, String tenantId, Set<String> purls,
                          Set<String> vulnerabilityIds, Set<String> priorityPurls, String exportId,
                          Instant occurredAt) {
    public enum Source {
        CONCELIER("concelier"), EXCITITOR("excititor"), POLICY("policy");

        private final String wire;

        Source(String wire) { this.wire = wire; }

        public String wire() { return wire; }
    }

    public IntakeEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(tenantId, "tenantId");
        purls = purls == null ? Set.of() : Set.copyOf(purls);
        vulnerabilityIds = vulnerabilityIds == null ? Set.of() : Set.copyOf(vulnerabilityIds);
        priorityPurls = priorityPurls == null ? Set.of() : Set.copyOf(priorityPurls);
    }
}
