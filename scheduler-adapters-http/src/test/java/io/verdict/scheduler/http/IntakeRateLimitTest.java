package io.verdict.scheduler.http;

import io.verdict.scheduler.http.support.TestServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IntakeRateLimitTest {
    @Test
    void aTenantOverItsIntakeRateGets429WithRetryAfterAndOtherTenantsAreUnaffected() {
        try (TestServer t = new TestServer(s -> s, b -> b.intakeRate(0.5, 2))) {
            String acme = t.token("acme");
            for (int i = 0; i < 2; i++) {
                assertThat(t.post("/api/v1/scheduler/events/advisory", acme,
                        "{\"eventId\":\"e" + i + "\",\"purls\":[\"pkg:npm/a@1\"]}").status()).isEqualTo(202);
            }
            var limited = t.post("/api/v1/scheduler/events/vex", acme, "{\"eventId\":\"e9\",\"purls\":[\"pkg:npm/a@1\"]}");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().get("code").asText()).isEqualTo("ERR_API_429");
            assertThat(limited.header("Retry-After")).isNotNull();
            assertThat(t.post("/api/v1/scheduler/events/advisory", t.token("globex"),
                    "{\"eventId\":\"g1\",\"purls\":[\"pkg:npm/a@1\"]}").status()).isEqualTo(202);
        }
    }
}
