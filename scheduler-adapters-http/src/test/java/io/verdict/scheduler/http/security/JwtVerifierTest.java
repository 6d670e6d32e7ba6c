package io.verdict.scheduler.http.security;

import io.verdict.scheduler.http.support.TestKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtVerifierTest {
    final TestKeys keys = new TestKeys();
    final JwtVerifier verifier = new JwtVerifier(VerificationKeys.of(keys.publicJwks()), TestKeys.ISSUER, TestKeys.AUDIENCE,
            Duration.ZERO);

    @Test
    void claimsBecomeAPrincipalWithScopesAndTenants() throws Exception {
        Principal p = verifier.verify(keys.rs256(TestKeys.claims("acme", "runs.read scheduler.runs.manage other:scope").build()));
        assertThat(p.subject()).isEqualTo("alice@test");
        assertThat(p.tenants()).containsExactly("acme");
        assertThat(p.scopes()).containsExactlyInAnyOrder(Scope.RUNS_READ, Scope.RUNS_MANAGE);
        assertThat(p.has(Scope.RUNS_WRITE)).isFalse();

        Principal admin = verifier.verify(keys.eddsa(TestKeys.claims("acme", null).claim("tenant", null)
                .claim("tenants", List.of("acme", "globex")).claim("scp", List.of("scheduler.admin")).build()));
        assertThat(admin.tenants()).containsExactlyInAnyOrder("acme", "globex");
        assertThat(admin.has(Scope.POLICY_RUNS)).as("admin grants every scope").isTrue();
    }

    @Test
    void malformedTenantClaimsAreRejected() {
        assertThatThrownBy(() -> verifier.verify(keys.es256(TestKeys.claims("../etc", "runs.read").build())))
                .isInstanceOf(TokenRejectedException.class);
        assertThatThrownBy(() -> verifier.verify(keys.es256(TestKeys.claims("acme", "runs.read").claim("tenants", "acme").build())))
                .isInstanceOf(TokenRejectedException.class);
    }

    @Test
    void aCachedTokenStillExpiresOnTime() throws Exception {
        String token = keys.es256(TestKeys.claims("acme", "runs.read")
                .expirationTime(Date.from(Instant.now().plusMillis(1500))).build());
        assertThat(verifier.verify(token).subject()).isEqualTo("alice@test");
        assertThat(verifier.verify(token).subject()).as("served from the cache").isEqualTo("alice@test");
        Thread.sleep(1700);
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(TokenRejectedException.class)
                .hasMessageContaining("xpired");
    }

    @Test
    void theLocalKeyIsCreatedOnceAndMintsTokensTheServiceAccepts(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        var key = LocalSigningKey.loadOrCreate(dir);
        assertThat(LocalSigningKey.loadOrCreate(dir).getKeyID()).isEqualTo(key.getKeyID());
        assertThat(Files.readString(LocalSigningKey.file(dir))).contains("\"d\"");
        JwtVerifier local = new JwtVerifier(LocalSigningKey.verificationKeys(key), LocalSigningKey.ISSUER,
                LocalSigningKey.AUDIENCE, Duration.ofSeconds(30));
        Principal p = local.verify(TokenMinter.local(key).mint("dev", List.of("demo"), List.of("runs.read"), Duration.ofMinutes(5)));
        assertThat(p.tenants()).containsExactly("demo");
        assertThat(p.has(Scope.RUNS_READ)).isTrue();
        // a token of the local key is worthless against another identity provider's keys
        assertThatThrownBy(() -> verifier.verify(TokenMinter.local(key).mint("dev", List.of("demo"), List.of("runs.read"),
                Duration.ofMinutes(5)))).isInstanceOf(TokenRejectedException.class);
    }
}
