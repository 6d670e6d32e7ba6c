package io.verdict.scheduler.http.security.session;

import io.javalin.http.Context;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.security.JwtVerifier;
import io.verdict.scheduler.http.security.Principal;
import io.verdict.scheduler.http.security.TokenRejectedException;
import io.verdict.scheduler.http.security.session.ConsoleSessions.Session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Authenticates a request by its console session cookie: the session's token goes through the API's
 * {@link JwtVerifier} (so a session is exactly as good as its token, never better), and a state-changing request
 * must carry the session's CSRF token in {@value #CSRF_HEADER}. A cookie is sent by the browser on its own; the
 * CSRF header can only be set by script of this origin, which is what makes the ambient credential safe to use.
 */
public final class SessionAuth {
    public static final String COOKIE = "vs_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final ConsoleSessions sessions;
    private final JwtVerifier verifier;

    public SessionAuth(ConsoleSessions sessions, JwtVerifier verifier) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /** The caller behind the session cookie, or null when the request carries none. */
    public Principal principal(Context ctx) {
        if (ctx.cookie(COOKIE) == null) return null;
        Session s = session(ctx);
        Principal p = verified(s);
        if (!SAFE_METHODS.contains(ctx.method().name())) requireCsrf(ctx, s);
        return p;
    }

    /** The live session named by the cookie; 401 when there is none or it ended. */
    public Session session(Context ctx) {
        return sessions.find(ctx.cookie(COOKIE))
                .orElseThrow(() -> ApiProblem.unauthorized("the console session has ended; sign in again"));
    }

    /** The session's token, verified now (a rotated key or revoked issuer ends the session too). */
    public Principal verified(Session s) {
        try {
            return verifier.verify(s.token());
        } catch (TokenRejectedException e) {
            sessions.close(s.id());
            throw ApiProblem.unauthorized("the console session's token is no longer accepted: " + e.getMessage());
        }
    }

    public static void requireCsrf(Context ctx, Session s) {
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                s.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            throw ApiProblem.forbidden("a state-changing request with the session cookie needs the session's "
                    + CSRF_HEADER + " header");
        }
    }

    /** {@code Set-Cookie} for a new session: HttpOnly, SameSite=Strict, Secure over TLS, gone when the token expires. */
    public static String cookie(Session s, Instant now, boolean secure) {
        long maxAge = Math.max(0, Duration.between(now, s.expiresAt()).toSeconds());
        return COOKIE + "=" + s.id() + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    public static String clearedCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** TLS seen by Jetty, or announced by a TLS-terminating proxy in front of it. */
    public static boolean secure(Context ctx) {
        return ctx.req().isSecure() || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }
}
