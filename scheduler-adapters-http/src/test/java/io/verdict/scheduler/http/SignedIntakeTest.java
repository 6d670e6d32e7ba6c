package io.verdict.scheduler.http;

import io.verdict.scheduler.http.security.IntakeSignatures;
import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Intake webhooks may authenticate with an HMAC-SHA256 signature instead of a bearer token. */
class SignedIntakeTest {
    private static final String SECRET = "acme-intake-secret-0123456789";
    private static final String ADVISORY = "/api/v1/scheduler/events/advisory";
    private final TestServer t = new TestServer(s -> s, b -> b,
            IntakeSignatures.parse("acme=" + SECRET + ";globex=globex-intake-secret-999", Clock.systemUTC()));

    @AfterEach
    void stop() {
        t.close();
    }

    private static Map<String, String> signed(String tenant, String secret, String body, long epochSeconds) {
        String ts = Long.toString(epochSeconds);
        String sig = "sha256=" + HexFormat.of().formatHex(IntakeSignatures.sign(secret.getBytes(StandardCharsets.UTF_8), ts,
                body.getBytes(StandardCharsets.UTF_8)));
        return Map.of("X-Tenant", tenant, IntakeSignatures.TIMESTAMP_HEADER, ts, IntakeSignatures.SIGNATURE_HEADER, sig);
    }

    @Test
    void aCorrectlySignedAdvisoryIsAcceptedAndPlansARun() {
        t.indexImages("acme", 3, "payments", List.of("pkg:npm/lodash@4.17.20"));
        String body = "{\"eventId\":\"sig-1\",\"purls\":[\"pkg:npm/lodash@4.17.20\"],\"exportId\":\"exp-sig-1\"}";
        var r = t.send("POST", ADVISORY, null, body, signed("acme", SECRET, body, Instant.now().getEpochSecond()));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String runId = r.json().get("runId").asText();
        assertThat(t.scheduler.run("acme", runId).deduped()).isEqualTo(3);
        assertThat(t.storage.audit().recent("acme", 10)).anySatisfy(a -> assertThat(a.actor()).isEqualTo("hmac:acme"));
    }

    @Test
    void forgedStaleOrMisdirectedSignaturesAre401AndWriteNothing() {
        String body = "{\"eventId\":\"sig-2\",\"purls\":[\"pkg:npm/lodash@4.17.20\"],\"exportId\":\"exp-sig-2\"}";
        long now = Instant.now().getEpochSecond();
        List<Map<String, String>> bad = List.of(
                signed("acme", "wrong-secret-wrong-secret", body, now),
                signed("acme", SECRET, body, now - 3600),
                signed("acme", SECRET, body + " ", now),
                signed("globex", SECRET, body, now),
                signed("nobody", SECRET, body, now),
                Map.of("X-Tenant", "acme", IntakeSignatures.SIGNATURE_HEADER, "sha256=zz", IntakeSignatures.TIMESTAMP_HEADER, "" + now),
                Map.of("X-Tenant", "acme", IntakeSignatures.SIGNATURE_HEADER, "sha256=00"));
        for (Map<String, String> headers : bad) {
            var r = t.send("POST", ADVISORY, null, body, headers);
            assertThat(r.status()).as(headers + " → " + r).isEqualTo(401);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(t.storage.cursors().processedEvent("acme", "sig-2")).isEmpty();
    }

    @Test
    void aSignatureOpensIntakeOnlyNotOtherRoutes() {
        String body = "{\"selector\":{\"scope\":\"all-images\"}}";
        var r = t.send("POST", "/api/v1/scheduler/runs", null, body, signed("acme", SECRET, body, Instant.now().getEpochSecond()));
        assertThat(r.status()).isEqualTo(401);
    }
}
