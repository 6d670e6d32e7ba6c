package io.verdict.scheduler.http.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * HMAC-SHA256 signatures for intake webhooks, the alternative to a bearer token for feeds that cannot hold one:
 * {@code X-Scheduler-Signature: sha256=<hex of HMAC(secret, timestamp + "." + body)>} with
 * {@code X-Scheduler-Timestamp: <epoch seconds>} and {@code X-Tenant}. The timestamp is signed and must be within
 * the tolerance, so a captured request cannot be replayed later; comparison is constant-time. Secrets are per
 * tenant and never logged.
 */
public final class IntakeSignatures {
    public static final String SIGNATURE_HEADER = "X-Scheduler-Signature";
    public static final String TIMESTAMP_HEADER = "X-Scheduler-Timestamp";
    public static final IntakeSignatures NONE = new IntakeSignatures(Map.of(), Duration.ofMinutes(5), Clock.systemUTC());

    private final Map<String, byte[]> secrets;
    private final Duration tolerance;
    private final Clock clock;

    public IntakeSignatures(Map<String, String> secretsByTenant, Duration tolerance, Clock clock) {
        java.util.HashMap<String, byte[]> m = new java.util.HashMap<>();
        secretsByTenant.forEach((t, s) -> m.put(t, s.getBytes(StandardCharsets.UTF_8)));
        this.secrets = Map.copyOf(m);
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** Parses {@code tenant=secret;tenant2=secret2}; throws IllegalArgumentException naming the bad entry (not the secret). */
    public static IntakeSignatures parse(String spec, Clock clock) {
        if (spec == null || spec.isBlank()) return NONE;
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        for (String entry : spec.split(";")) {
            int eq = entry.indexOf('=');
            String tenant = eq < 0 ? entry.trim() : entry.substring(0, eq).trim();
            if (eq <= 0 || entry.substring(eq + 1).length() < 16 || !tenant.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("SCHEDULER_INTAKE_HMAC_SECRETS: entry for '" + tenant
                        + "' must be tenant=secret with a secret of at least 16 characters");
            }
            m.put(tenant, entry.substring(eq + 1));
        }
        return new IntakeSignatures(m, Duration.ofMinutes(5), clock);
    }

    public boolean enabled() {
        return !secrets.isEmpty();
    }

    public Set<String> tenants() {
        return secrets.keySet();
    }

    /** Why a signed request is refused, or empty when it is authentic. */
    public Optional<String> check(String tenant, String timestamp, String signature, byte[] body) {
        byte[] secret = tenant == null ? null : secrets.get(tenant);
        if (secret == null) return Optional.of("no intake signing secret is configured for this tenant");
        if (timestamp == null || signature == null) {
            return Optional.of(SIGNATURE_HEADER + " and " + TIMESTAMP_HEADER + " are both required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Optional.of(TIMESTAMP_HEADER + " must be epoch seconds");
        }
        Duration skew = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
        if (skew.compareTo(tolerance) > 0) return Optional.of("signature timestamp is outside the allowed window");
        if (!signature.startsWith("sha256=")) return Optional.of(SIGNATURE_HEADER + " must be sha256=<hex>");
        byte[] expected = sign(secret, timestamp.trim(), body);
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(signature.substring(7).trim());
        } catch (IllegalArgumentException e) {
            return Optional.of(SIGNATURE_HEADER + " must be sha256=<hex>");
        }
        return MessageDigest.isEqual(expected, presented) ? Optional.empty() : Optional.of("signature does not match");
    }

    /** What a sender computes (also used by tests and clients). */
    public static byte[] sign(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
