package io.verdict.scheduler.http.security.session;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.verdict.scheduler.http.FeatureFlags;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.Bodies;
import io.verdict.scheduler.http.routes.RequestLog;
import io.verdict.scheduler.http.routes.Responses;
import io.verdict.scheduler.http.security.JwtVerifier;
import io.verdict.scheduler.http.security.Principal;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.security.TokenRejectedException;
import io.verdict.scheduler.http.security.session.ConsoleSessions.Session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@code /console/session}: the console's sign-in (a pasted bearer token in, an HttpOnly session cookie out),
 * who-am-I with the CSRF token for the page's script, sign-out, and the one-time sign-in link {@code serve --demo}
 * prints. These routes authenticate by what they receive (a token, a cookie, a code), so they are not in the
 * {@code RouteTable} of scope-guarded endpoints; they are in the OpenAPI document like every other route.
 */
public final class SessionRoutes {
    public static final String PATH = "/console/session";
    public static final String LINK_PATH = PATH + "/link";
    /** Where a browser lands after the one-time link. */
    static final String LANDING = "/console/runs";

    private final ConsoleSessions sessions;
    private final SessionAuth auth;
    private final JwtVerifier verifier;
    private final Bodies bodies;
    private final Responses responses;
    private final FeatureFlags flags;
    private final Clock clock;

    /** The body of a sign-in. */
    public record SignIn(String token) {}

    /** Who is signed in, what the token grants and the page's switches; {@code csrfToken} goes into {@value SessionAuth#CSRF_HEADER}. */
    public record SessionView(String subject, List<String> tenants, List<String> scopes, Instant expiresAt,
                              String csrfToken, FeatureFlags flags) {}

    public SessionRoutes(ConsoleSessions sessions, SessionAuth auth, JwtVerifier verifier, Bodies bodies,
                         Responses responses, FeatureFlags flags, Clock clock) {
        this.sessions = sessions;
        this.auth = auth;
        this.verifier = verifier;
        this.bodies = bodies;
        this.responses = responses;
        this.flags = flags;
        this.clock = clock;
    }

    public void install(RoutesConfig routes) {
        routes.post(PATH, logged(PATH, this::signIn));
        routes.get(PATH, logged(PATH, this::whoAmI));
        routes.delete(PATH, logged(PATH, this::signOut));
        routes.get(LINK_PATH, logged(LINK_PATH, this::redeemLink));
    }

    private static Handler logged(String template, Handler h) {
        return ctx -> {
            RequestLog.matched(ctx, template);
            h.handle(ctx);
        };
    }

    private void signIn(Context ctx) {
        SignIn in = bodies.read(ctx, SignIn.class);
        if (in == null || in.token() == null || in.token().isBlank()) {
            throw ApiProblem.badRequest("token", "paste a bearer token (a JWT) to sign in");
        }
        String token = in.token().trim();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) token = token.substring(7).trim();
        Principal p = verify(token);
        Session s = open(ctx, token, p);
        responses.json(ctx, 201, view(p, s));
    }

    private void whoAmI(Context ctx) {
        Session s = auth.session(ctx);
        Principal p = auth.verified(s);
        RequestLog.tenant(ctx, p.tenants().size() == 1 ? p.tenants().iterator().next() : null);
        ctx.header("Cache-Control", "no-store");
        responses.ok(ctx, view(p, s));
    }

    private void signOut(Context ctx) {
        if (ctx.cookie(SessionAuth.COOKIE) != null) {
            sessions.find(ctx.cookie(SessionAuth.COOKIE)).ifPresent(s -> {
                SessionAuth.requireCsrf(ctx, s);
                sessions.close(s.id());
            });
        }
        ctx.header("Set-Cookie", SessionAuth.clearedCookie(SessionAuth.secure(ctx)));
        ctx.status(204);
    }

    private void redeemLink(Context ctx) {
        String token = sessions.redeem(ctx.queryParam("code"))
                .orElseThrow(() -> ApiProblem.unauthorized("this sign-in link was already used or has expired; "
                        + "restart serve --demo or paste a token at " + LANDING));
        open(ctx, token, verify(token));
        ctx.header("Cache-Control", "no-store");
        ctx.redirect(LANDING, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private Principal verify(String token) {
        try {
            return verifier.verify(token);
        } catch (TokenRejectedException e) {
            throw ApiProblem.unauthorized(e.getMessage());
        }
    }

    private Session open(Context ctx, String token, Principal p) {
        Session s;
        try {
            s = sessions.open(token, p.expiresAt());
        } catch (IllegalStateException e) {
            throw new ApiProblem(503, "too many console sessions; try again later");
        }
        ctx.header("Set-Cookie", SessionAuth.cookie(s, clock.instant(), SessionAuth.secure(ctx)));
        return s;
    }

    private SessionView view(Principal p, Session s) {
        return new SessionView(p.subject(), p.tenants().stream().sorted().toList(),
                p.scopes().stream().map(Scope::wire).sorted().toList(), s.expiresAt(), s.csrfToken(), flags);
    }
}
