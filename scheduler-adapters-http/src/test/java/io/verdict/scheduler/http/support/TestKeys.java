package io.verdict.scheduler.http.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.verdict.scheduler.http.security.Ed25519Jca;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Keys of a fake identity provider (ES256, RS256, Ed25519) and a token factory with every claim adjustable. */
public final class TestKeys {
    public static final String ISSUER = "https://authority.test";
    public static final String AUDIENCE = "verdict-scheduler";

    public final ECKey ec;
    public final RSAKey rsa;
    public final OctetKeyPair ed;
    public final ECKey stranger; // not in the JWKS

    public TestKeys() {
        try {
            ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            ed = Ed25519Jca.generate("ed-1");
            stranger = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        } catch (JOSEException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public JWKSet publicJwks() {
        return new JWKSet(List.of(ec.toPublicJWK(), rsa.toPublicJWK(), ed.toPublicJWK()));
    }

    public static JWTClaimsSet.Builder claims(String tenant, String scopes) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("alice@test")
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).claim("tenant", tenant).claim("scope", scopes);
    }

    public String es256(JWTClaimsSet claims) {
        return sign(new ECDSASignerFactory(ec), JWSAlgorithm.ES256, ec.getKeyID(), claims);
    }

    public String es256WithStranger(JWTClaimsSet claims) {
        return sign(new ECDSASignerFactory(stranger), JWSAlgorithm.ES256, stranger.getKeyID(), claims);
    }

    public String rs256(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(rsa));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** EdDSA signed with the JDK (nimbus would need Tink for signing). */
    public String eddsa(JWTClaimsSet claims) {
        try {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(ed.getKeyID()).type(JOSEObjectType.JWT).build();
            Base64URL h = header.toBase64URL();
            Base64URL p = Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8));
            Base64URL sig = Ed25519Jca.sign(ed, (h + "." + p).getBytes(StandardCharsets.US_ASCII));
            return h + "." + p + "." + sig;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsecured JWT ({@code alg: none}). */
    public static String unsigned(JWTClaimsSet claims) {
        return new com.nimbusds.jwt.PlainJWT(claims).serialize();
    }

    private record ECDSASignerFactory(ECKey key) {}

    private static String sign(ECDSASignerFactory f, JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
            jwt.sign(new ECDSASigner(f.key()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
