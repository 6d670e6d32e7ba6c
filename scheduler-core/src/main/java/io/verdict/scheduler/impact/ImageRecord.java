package io.verdict.scheduler.impact;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** An image and its SBOM components, as indexed. */
public record ImageRecord(
        String tenantId,
        String digest,
        String registry,
        String repository,
        List<String> namespaces,
        List<String> tags,
        Map<String, String> labels,
        List<Component> components) {

    public ImageRecord {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(digest, "digest");
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        tags = tags == null ? List.of() : List.copyOf(tags);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        components = components == null ? List.of() : List.copyOf(components);
    }

    public static boolean isValidDigest(String digest) {
        return digest != null && digest.matches("sha256:[0-9a-f]{64}");
    }
}
