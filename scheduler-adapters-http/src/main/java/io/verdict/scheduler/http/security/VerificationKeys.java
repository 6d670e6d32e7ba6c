package io.verdict.scheduler.http.security;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;

/** Public keys tokens are checked against: a JWKS file read once, or a JWKS URL fetched and cached by nimbus. */
public interface VerificationKeys {
    /** Keys that could have signed a token with this header (kid, key type and curve matched). */
    List<JWK> candidates(JWSHeader header) throws TokenRejectedException;

    static VerificationKeys of(JWKSet set) {
        JWKSet publicOnly = set.toPublicJWKSet();
        return header -> new JWKSelector(JWKMatcher.forJWSHeader(header)).select(publicOnly);
    }

    static VerificationKeys fromFile(Path jwks) throws IOException {
        try {
            return of(JWKSet.parse(Files.readString(jwks)));
        } catch (ParseException e) {
            throw new IOException("not a JWKS document: " + jwks + " (" + e.getMessage() + ")", e);
        }
    }

    /** Remote JWKS; nimbus caches it, refreshes on unknown kid and rate-limits refetches. */
    static VerificationKeys fromUrl(String url) throws IOException {
        URL u = URI.create(url).toURL();
        JWKSource<SecurityContext> source = JWKSourceBuilder.create(u).build();
        return header -> {
            try {
                return source.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null);
            } catch (KeySourceException e) {
                throw new TokenRejectedException("signing keys unavailable: " + e.getMessage());
            }
        };
    }
}
