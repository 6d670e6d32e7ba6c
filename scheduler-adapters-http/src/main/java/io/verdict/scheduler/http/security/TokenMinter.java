package io.verdict.scheduler.http.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Mints development tokens signed with the embedded {@link LocalSigningKey}. */
public final class TokenMinter {
    private final ECKey key;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    public TokenMinter(ECKey key, String issuer, String audience, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    public static TokenMinter local(ECKey key) {
        return new TokenMinter(key, LocalSigningKey.ISSUER, LocalSigningKey.AUDIENCE, Clock.systemUTC());
    }

    /**
     * @param tenants one tenant gives a {@code tenant} claim; several give {@code tenants[]} (cross-tenant admin)
     * @param scopes  scope names as they should appear in the {@code scope} claim
     */
    public String mint(String subject, List<String> tenants, Collection<String> scopes, Duration ttl) {
        if (tenants.isEmpty()) throw new IllegalArgumentException("at least one tenant is required");
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer).audience(audience).subject(subject)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", String.join(" ", scopes));
        if (tenants.size() == 1) claims.claim("tenant", tenants.get(0));
        else claims.claim("tenants", List.copyOf(tenants));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the local key: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
