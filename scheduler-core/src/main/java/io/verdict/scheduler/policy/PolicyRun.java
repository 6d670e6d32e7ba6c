package io.verdict.scheduler.policy;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A requested policy run as recorded: which policy revision, in which mode, over which images, and what it produced
 * — the scheduler run it planned ({@code full}, {@code incremental}) or the simulated impact ({@code simulate}).
 *
 * @param sbomSet        the images asked for (empty: the tenant, or for incremental the images changed since the
 *                       policy's previous run)
 * @param schedulerRunId the run planned; null for a simulation
 * @param simulatedTotal images a simulation would touch; null otherwise
 */
public record PolicyRun(String tenantId, String policyRunId, String policyId, int policyVersion, Mode mode,
                        List<String> sbomSet, String schedulerRunId, Integer simulatedTotal, Instant indexBuiltAt,
                        Instant requestedAt, String correlationId) {
    public enum Mode {
        FULL, INCREMENTAL, SIMULATE;

        public String wire() { return name().toLowerCase(Locale.ROOT); }

        public static Optional<Mode> fromWire(String v) {
            for (Mode m : values()) if (m.wire().equals(v)) return Optional.of(m);
            return Optional.empty();
        }
    }

    public PolicyRun {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(policyRunId, "policyRunId");
        Objects.requireNonNull(policyId, "policyId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(requestedAt, "requestedAt");
        sbomSet = sbomSet == null ? List.of() : List.copyOf(sbomSet);
    }

    public String policyRevision() {
        return policyId + "@" + policyVersion;
    }
}
