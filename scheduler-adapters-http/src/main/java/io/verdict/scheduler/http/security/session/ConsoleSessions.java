package io.verdict.scheduler.http.security.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions of the console: a random session ID (the HttpOnly cookie) stands for a bearer token the user
 * pasted, plus the CSRF token every state-changing request must echo. The token itself is kept and verified on
 * every request by the API's own verifier, so key rotation, expiry, scopes and tenants rule a session exactly as
 * they rule the token. Process-local on purpose: a restart or another instance simply asks the user to sign in
 * again, and nothing secret is ever written to the store.
 */
public final class ConsoleSessions {
    /** Sessions held at most; beyond that the oldest expired ones go first, then sign-in is refused (503). */
    static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, OneTime> links = new ConcurrentHashMap<>();

    /** @param expiresAt the token's own {@code exp}: the session never outlives its token */
    public record Session(String id, String token, String csrfToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[expiresAt=" + expiresAt + "]"; // never the token, the ID or the CSRF secret
        }
    }

    private record OneTime(String token, Instant until) {}

    public ConsoleSessions(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Session open(String token, Instant expiresAt) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (sessions.size() >= MAX_SESSIONS) evictExpired();
        if (sessions.size() >= MAX_SESSIONS) throw new IllegalStateException("too many console sessions");
        Session s = new Session(randomId(), token, randomId(), expiresAt);
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session for a cookie value; an expired one is forgotten on the way. */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) return Optional.empty();
        Session s = sessions.get(id);
        if (s == null) return Optional.empty();
        if (!clock.instant().isBefore(s.expiresAt())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    public void close(String id) {
        if (id != null) sessions.remove(id);
    }

    /**
     * A one-time sign-in code for a token (the demo's printed link): redeemable once, within {@code ttl}, so a
     * link left in a terminal's scrollback is worthless after first use.
     */
    public String oneTimeLink(String token, Duration ttl) {
        links.entrySet().removeIf(e -> !clock.instant().isBefore(e.getValue().until()));
        String code = randomId();
        links.put(code, new OneTime(Objects.requireNonNull(token, "token"), clock.instant().plus(ttl)));
        return code;
    }

    /** The token behind a one-time code, removing the code; empty when unknown, used or expired. */
    public Optional<String> redeem(String code) {
        if (code == null) return Optional.empty();
        OneTime t = links.remove(code);
        if (t == null || !clock.instant().isBefore(t.until())) return Optional.empty();
        return Optional.of(t.token());
    }

    public int size() {
        return sessions.size();
    }

    private void evictExpired() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
    }

    private static String randomId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
