package io.verdict.scheduler.evidence;

import io.verdict.scheduler.canonical.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dead Simple Signing Envelope: the signature covers PAE("DSSEv1", payloadType, payload), so neither the type
 * nor the payload can be swapped. Used for completion events and evidence attestations.
 */
public final class Dsse {
    public static final String IN_TOTO = "application/vnd.in-toto+json";

    private Dsse() {}

    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        String head = "DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ";
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + payload.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(payload, 0, out, h.length, payload.length);
        return out;
    }

    /** The envelope as a canonical-JSON-ready map. */
    public static Map<String, Object> sign(String payloadType, byte[] payload, Signer signer) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("payloadType", payloadType);
        env.put("payload", Base64.getEncoder().encodeToString(payload));
        env.put("signatures", List.of(Map.of("keyid", signer.keyId(),
                "sig", Base64.getEncoder().encodeToString(signer.sign(pae(payloadType, payload))))));
        return env;
    }

    /** True when any signature of the envelope verifies with {@code key}. */
    @SuppressWarnings("unchecked")
    public static boolean verify(Map<String, Object> envelope, PublicKey key) {
        try {
            String type = (String) envelope.get("payloadType");
            byte[] payload = Base64.getDecoder().decode((String) envelope.get("payload"));
            for (Map<String, Object> sig : (List<Map<String, Object>>) envelope.get("signatures")) {
                if (Ed25519Keys.verify(key, pae(type, payload), Base64.getDecoder().decode((String) sig.get("sig")))) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static byte[] bytes(Map<String, Object> envelope) {
        return CanonicalJson.bytes(envelope);
    }
}
