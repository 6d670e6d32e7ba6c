package io.verdict.scheduler.http.api.intake;

import java.util.List;
import java.util.Map;

/** Intake and image-index bodies. */
public final class IntakeJson {
    private IntakeJson() {}

    /**
     * An advisory (concelier), VEX (excititor) or policy-change event. Idempotent on {@code eventId}: a repeat
     * answers with the run the first delivery planned. {@code priorityPurls} are the KEV/critical ones, queued
     * first. {@code policyRevision} is for policy events only.
     */
    public record EventBody(String eventId, String tenantId, List<String> purls, List<String> vulnerabilityIds,
                            List<String> priorityPurls, String exportId, String policyRevision, String occurredAt) {}

    /** {@code warnings}: what a translated document (OSV) carried that was ignored, e.g. GIT ranges. */
    public record EventAccepted(String eventId, String runId, boolean duplicate, List<String> unresolvedVulnerabilityIds,
                                List<String> warnings) {}

    public record ComponentJson(String purl, Boolean usedByEntrypoint) {}

    /** An image's SBOM components to (re)index under the digest of the path. */
    public record ImageBody(String registry, String repository, List<String> namespaces, List<String> tags,
                            Map<String, String> labels, List<ComponentJson> components) {}

    public record ImageIndexed(String imageDigest, int components, java.time.Instant indexBuiltAt) {}
}
