package io.verdict.scheduler.http.security;

/** The bearer token is missing, malformed, unsigned, badly signed, expired, or for another issuer/audience. */
public final class TokenRejectedException extends Exception {
    public TokenRejectedException(String message) {
        super(message);
    }
}
