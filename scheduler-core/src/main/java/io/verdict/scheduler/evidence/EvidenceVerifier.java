package io.verdict.scheduler.evidence;

import io.verdict.scheduler.canonical.CanonicalJson;
import io.verdict.scheduler.canonical.JsonReader;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Offline verification of a bundle with only the public key: every file matches the manifest's digest and size,
 * the attestation's subject is the manifest's digest, and the DSSE signature verifies.
 */
public final class EvidenceVerifier {
    public record Result(boolean valid, List<String> problems) {}

    private EvidenceVerifier() {}

    @SuppressWarnings("unchecked")
    public static Result verify(byte[] tarGz, PublicKey key) {
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> files;
        try {
            files = DeterministicTar.read(tarGz);
        } catch (IllegalArgumentException e) {
            return new Result(false, List.of(e.getMessage()));
        }
        byte[] manifestBytes = files.get("manifest.json");
        byte[] attestation = files.get("attestation.dsse.json");
        if (manifestBytes == null || attestation == null) {
            return new Result(false, List.of("bundle lacks manifest.json or attestation.dsse.json"));
        }
        Map<String, Object> manifest = (Map<String, Object>) JsonReader.parse(new String(manifestBytes, StandardCharsets.UTF_8));
        for (Map<String, Object> f : (List<Map<String, Object>>) manifest.get("files")) {
            String name = (String) f.get("name");
            byte[] data = files.get(name);
            if (data == null) {
                problems.add("missing file " + name);
            } else if (!CanonicalJson.sha256Hex(data).equals(f.get("sha256"))
                    || ((Number) f.get("size")).longValue() != data.length) {
                problems.add("file " + name + " does not match the manifest");
            }
        }
        Map<String, Object> envelope = (Map<String, Object>) JsonReader.parse(new String(attestation, StandardCharsets.UTF_8));
        if (!Dsse.verify(envelope, key)) problems.add("attestation signature does not verify with this key");
        try {
            Map<String, Object> statement = (Map<String, Object>) JsonReader.parse(new String(
                    Base64.getDecoder().decode((String) envelope.get("payload")), StandardCharsets.UTF_8));
            Map<String, Object> subject = ((List<Map<String, Object>>) statement.get("subject")).get(0);
            Object digest = ((Map<String, Object>) subject.get("digest")).get("sha256");
            if (!CanonicalJson.sha256Hex(manifestBytes).equals(digest)) problems.add("attestation is not about this manifest");
        } catch (RuntimeException e) {
            problems.add("attestation payload unreadable: " + e.getMessage());
        }
        return new Result(problems.isEmpty(), problems);
    }
}
