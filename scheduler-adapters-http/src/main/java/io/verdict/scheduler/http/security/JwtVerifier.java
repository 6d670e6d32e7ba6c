package io.verdict.scheduler.http.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Verifies bearer JWTs: signed (never {@code alg: none}) with RS256, ES256 or EdDSA by one of the configured
 * keys, issued by the configured issuer for the configured audience, within exp/nbf (with a small skew), and
 * naming a subject. Returns the {@link Principal} the claims describe.
 */
public final class JwtVerifier {
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Verified tokens are remembered this long at most (and never past their exp), so a key rotation bites soon. */
    static final Duration CACHE_TTL = Duration.ofSeconds(60);
    private static final int CACHE_MAX = 10_000;

    private final VerificationKeys keys;
    private final DefaultJWTClaimsVerifier<?> claims;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> verified = new ConcurrentHashMap<>();

    private record Cached(Principal principal, Instant until) {}

    public JwtVerifier(VerificationKeys keys, String issuer, String audience, Duration clockSkew) {
        this(keys, issuer, audience, clockSkew, Clock.systemUTC());
    }

    public JwtVerifier(VerificationKeys keys, String issuer, String audience, Duration clockSkew, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.claims = new DefaultJWTClaimsVerifier<>(Set.of(Objects.requireNonNull(audience, "audience")),
                new JWTClaimsSet.Builder().issuer(Objects.requireNonNull(issuer, "issuer")).build(),
                Set.of("sub", "exp", "iss", "aud"), Set.of());
        this.claims.setMaxClockSkew((int) clockSkew.toSeconds());
    }

    /**
     * Verifies the token, or answers from a short cache of tokens verified before: a signature check costs
     * milliseconds, and a thousand console streams reconnecting after a restart present the same few tokens.
     */
    public Principal verify(String token) throws TokenRejectedException {
        Instant now = clock.instant();
        Cached hit = verified.get(token);
        if (hit != null && now.isBefore(hit.until())) return hit.principal();
        Principal p = verifyUncached(token);
        Instant until = now.plus(CACHE_TTL);
        if (p.expiresAt() != null && p.expiresAt().isBefore(until)) until = p.expiresAt();
        if (verified.size() >= CACHE_MAX) verified.clear();
        verified.put(token, new Cached(p, until));
        return p;
    }

    private Principal verifyUncached(String token) throws TokenRejectedException {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new TokenRejectedException("malformed token");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new TokenRejectedException("unsigned (alg none) or encrypted tokens are not accepted");
        }
        JWSHeader header = signed.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw new TokenRejectedException("algorithm " + header.getAlgorithm() + " is not accepted");
        }
        if (!verifiesWithAny(signed, keys.candidates(header))) {
            throw new TokenRejectedException("signature does not verify with any configured key");
        }
        JWTClaimsSet set;
        try {
            set = signed.getJWTClaimsSet();
            claims.verify(set, null);
        } catch (ParseException e) {
            throw new TokenRejectedException("malformed claims");
        } catch (BadJWTException e) {
            throw new TokenRejectedException("token rejected: " + e.getMessage());
        }
        return principal(set);
    }

    private static boolean verifiesWithAny(SignedJWT jwt, List<JWK> candidates) {
        for (JWK k : candidates) {
            try {
                JWSVerifier v = verifierFor(k);
                if (v != null && jwt.verify(v)) return true;
            } catch (JOSEException | IllegalStateException ignored) {
                // A key of the wrong shape for this token: try the next one.
            }
        }
        return false;
    }

    private static JWSVerifier verifierFor(JWK k) throws JOSEException {
        return switch (k) {
            case RSAKey rsa -> new RSASSAVerifier(rsa);
            case ECKey ec -> new ECDSAVerifier(ec);
            case OctetKeyPair okp -> new Ed25519Jca.Verifier(okp);
            default -> null;
        };
    }

    private static Principal principal(JWTClaimsSet set) throws TokenRejectedException {
        Set<String> tenants = new LinkedHashSet<>();
        try {
            String one = set.getStringClaim("tenant");
            if (one != null) tenants.add(one);
            List<String> many = set.getStringListClaim("tenants");
            if (many != null) tenants.addAll(many);
        } catch (ParseException e) {
            throw new TokenRejectedException("claims tenant/tenants must be a string / an array of strings");
        }
        for (String t : tenants) {
            if (t == null || !TENANT.matcher(t).matches()) throw new TokenRejectedException("malformed tenant claim");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : scopeNames(set.getClaim("scope"))) Scope.parse(s).ifPresent(scopes::add);
        for (String s : scopeNames(set.getClaim("scp"))) Scope.parse(s).ifPresent(scopes::add);
        return new Principal(set.getSubject(), tenants, scopes,
                set.getExpirationTime() == null ? null : set.getExpirationTime().toInstant());
    }

    /** OAuth puts scopes in one space-separated string; some issuers send an array. Accept both. */
    private static Collection<String> scopeNames(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof String s) {
            for (String part : s.split("[\\s,]+")) if (!part.isBlank()) out.add(part);
        } else if (claim instanceof Collection<?> c) {
            for (Object o : c) if (o instanceof String s) out.add(s);
        }
        return out;
    }

    /** Scopes known to this service, in a stable order (for help texts). */
    public static Set<Scope> allScopes() {
        return EnumSet.allOf(Scope.class);
    }
}
